// VASP 5 POSCAR / CONTCAR reading.
#pragma once

#include <filesystem>

#include "core/system.hpp"

namespace mdgpu {

// Comment; scale (one factor, a negative target volume, or three per-axis factors); three
// lattice rows; element symbols and counts; optional "Selective dynamics" (flags ignored);
// Direct or Cartesian (C/c/K/k) positions; an optional Cartesian velocity block in Å/fs,
// converted to Å/ps. An all-zero velocity block (what relaxations write) counts as none, so
// the run may draw velocities from a temperature. Always periodic in 3D.
// Throws InputError with "file:line" for anything malformed, including VASP 4 files (no
// element-symbol line).
System read_poscar(const std::filesystem::path& path);

}  // namespace mdgpu
