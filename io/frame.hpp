// One frame of a structure or trajectory file as read: the atoms and cell, and whatever else the
// file gave per frame and per atom.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/system.hpp"

namespace mdgpu {

// One per-atom column group: atom i, column c is values[i * columns + c]. Integer columns
// become doubles, logical ones 1 / 0.
struct PerAtomArray {
  int columns = 1;
  std::vector<double> values;
};

struct Frame {
  System system;
  std::string where;  // "file:line" (or "file: frame k"), for messages about this frame
  // Per-frame values other than the cell, as text ("T" for flags): extxyz comment-line pairs;
  // trajectory readers put the frame's `time` (ps) and `step` here too.
  std::map<std::string, std::string> info;
  // Every numeric per-atom property other than species and positions, under its name (forces,
  // velocities, momenta, energies, image, ...).
  std::map<std::string, PerAtomArray> arrays;
  // The positions are unwrapped (the file says so): image counters are not needed to unwrap them.
  bool unwrapped = false;
};

}  // namespace mdgpu
