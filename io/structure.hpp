// Reading a starting structure whatever its format.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/system.hpp"

namespace mdgpu {

// format: "auto" (chosen from the file name, see structure_format_for), "extxyz" or "poscar".
// Throws InputError for an unknown format, a bad file or a frame it does not have.
// `frame` picks one frame of a multi-frame extxyz (e.g. the last of a previous run's trajectory):
// 0 the first, negative counted from the end (-1 the last). Only frame 0 exists in a POSCAR.
System read_structure(const std::filesystem::path& path, const std::string& format = "auto",
                      std::int64_t frame = 0);

// The format "auto" picks for `path`: "extxyz" for *.xyz / *.extxyz, "poscar" for *.vasp,
// *.poscar and names containing POSCAR or CONTCAR (any case); "" when the name says nothing.
std::string structure_format_for(const std::filesystem::path& path);

}  // namespace mdgpu
