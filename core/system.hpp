// The host-side picture of the atoms: what structure readers produce and writers consume.
// Structure-of-arrays; the engine uploads it once to the backend and copies back only when asked.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/box.hpp"

namespace mdgpu {

// Three parallel arrays, one per Cartesian component.
struct Vec3Array {
  std::vector<double> x, y, z;
  void resize(std::size_t n, double value = 0.0) {
    x.assign(n, value);
    y.assign(n, value);
    z.assign(n, value);
  }
  std::size_t size() const { return x.size(); }
};

struct System {
  Box box;
  std::vector<std::string> species;      // type index -> chemical symbol, in first-seen order
  std::vector<double> species_mass;      // type index -> mass (amu)
  std::vector<int> type;                 // per atom, index into `species`
  Vec3Array positions;                   // Å, not necessarily wrapped
  Vec3Array velocities;                  // Å/ps; all zero when !has_velocities
  bool has_velocities = false;
  std::vector<std::int32_t> image[3];    // per-atom periodic image counters (unwrapped = wrapped + n·H)

  std::size_t size() const { return type.size(); }
  double mass(std::size_t i) const { return species_mass[type[i]]; }
  // Index of `symbol` in `species`, adding it (with its standard mass) when new.
  // Throws InputError naming `where` for a symbol that is not an element.
  int species_index(const std::string& symbol, const std::string& where);
  // Appends an atom of the given species at r (velocity zero, image counters zero).
  void add_atom(const std::string& symbol, double rx, double ry, double rz, const std::string& where);
};

}  // namespace mdgpu
