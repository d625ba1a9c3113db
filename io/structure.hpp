// Reading a starting structure whatever its format.
#pragma once

#include <filesystem>
#include <string>

#include "engine/system.hpp"

namespace mdgpu {

// format: "auto" (chosen from the file name, see structure_format_for), "extxyz" or "poscar".
// An extxyz file gives its first frame. Throws InputError for an unknown format or bad file.
System read_structure(const std::filesystem::path& path, const std::string& format = "auto");

// The format "auto" picks for `path`: "extxyz" for *.xyz / *.extxyz, "poscar" for *.vasp,
// *.poscar and names containing POSCAR or CONTCAR (any case); "" when the name says nothing.
std::string structure_format_for(const std::filesystem::path& path);

}  // namespace mdgpu
