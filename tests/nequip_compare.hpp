// Comparing NequIP results with each other and with the reference files: energy, per-atom
// energies, forces (3 per atom) and virial (row-major) as flat vectors, and the two bounds the
// reference tests hold us to.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "h5_reader.hpp"

namespace mdgpu::test {

struct Quantities {
  double energy = 0.0;
  std::vector<double> per_atom, forces, virial;
};

inline Quantities stored(const H5File& f, const std::string& group) {
  return {f.read(group + "/total_energy").data[0], f.read(group + "/per_atom_energy").data,
          f.read(group + "/forces").data, f.read(group + "/virial").data};
}

inline double max_abs(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

inline double max_diff(const std::vector<double>& a, const std::vector<double>& b) {
  EXPECT_EQ(a.size(), b.size());
  double m = 0.0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

// Each quantity of q within `rel` of the largest magnitude of that quantity in ref.
inline void expect_relative(const Quantities& q, const Quantities& ref, double rel) {
  EXPECT_LE(std::fabs(q.energy - ref.energy), rel * std::fabs(ref.energy));
  EXPECT_LE(max_diff(q.per_atom, ref.per_atom), rel * max_abs(ref.per_atom));
  EXPECT_LE(max_diff(q.forces, ref.forces), rel * max_abs(ref.forces));
  EXPECT_LE(max_diff(q.virial, ref.virial), rel * max_abs(ref.virial));
}

// A float32 result q stays within 3x the gap between nequip's own float32 (ref32) and float64
// (ref) results.
inline void expect_within_float32_gap(const Quantities& q, const Quantities& ref, const Quantities& ref32) {
  EXPECT_LE(std::fabs(q.energy - ref.energy), 3 * std::fabs(ref32.energy - ref.energy));
  EXPECT_LE(max_diff(q.per_atom, ref.per_atom), 3 * max_diff(ref32.per_atom, ref.per_atom));
  EXPECT_LE(max_diff(q.forces, ref.forces), 3 * max_diff(ref32.forces, ref.forces));
  EXPECT_LE(max_diff(q.virial, ref.virial), 3 * max_diff(ref32.virial, ref.virial));
}

}  // namespace mdgpu::test
