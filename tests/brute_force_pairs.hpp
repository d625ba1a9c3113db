// The oracle for everything that finds pairs of atoms: all (i, j, image shift) closer than a
// cut-off, by scanning every atom pair over a wide range of periodic images.
#pragma once

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include "core/system.hpp"

namespace mdgpu::testing {

using Pair = std::tuple<int, int, int, int, int>;  // i, j, n0, n1, n2

// |x_j + n·H - x_i|, Å.
inline double pair_distance(const System& s, const Pair& p) {
  const auto [i, j, n0, n1, n2] = p;
  double sh[3];
  box_shift(s.box.data(), n0, n1, n2, sh);
  const double dx = s.positions.x[j] + sh[0] - s.positions.x[i];
  const double dy = s.positions.y[j] + sh[1] - s.positions.y[i];
  const double dz = s.positions.z[j] + sh[2] - s.positions.z[i];
  return std::sqrt(dx * dx + dy * dy + dz * dz);
}

// All (i, j, shift) with |x_j + n·H - x_i| < rc, j != i or n != 0, sorted.
inline std::vector<Pair> brute_force_pairs(const System& s, double rc) {
  int range[3];
  for (int k = 0; k < 3; ++k)
    range[k] = s.box.periodic()[k] ? int(std::ceil(rc / s.box.perpendicular_width(k))) + 2 : 0;
  std::vector<Pair> out;
  const int n = static_cast<int>(s.size());
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int n0 = -range[0]; n0 <= range[0]; ++n0)
        for (int n1 = -range[1]; n1 <= range[1]; ++n1)
          for (int n2 = -range[2]; n2 <= range[2]; ++n2) {
            if (i == j && n0 == 0 && n1 == 0 && n2 == 0) continue;
            const Pair p{i, j, n0, n1, n2};
            if (pair_distance(s, p) < rc) out.push_back(p);
          }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace mdgpu::testing
