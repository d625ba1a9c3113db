// Plain-data view of the simulation cell that kernels take by value, and the maths on it.
// Row convention (ASE / VASP): r = s0*a + s1*b + s2*c = s·H with rows of H the lattice vectors.
#pragma once

#include "core/hd.hpp"

namespace mdgpu {

struct BoxData {
  double h[3][3];     // rows: a, b, c (for a non-periodic axis of zero length: a stand-in vector)
  double hinv[3][3];  // inverse of h, so s = r·hinv
  int periodic[3];
};

MDGPU_HD void box_to_frac(const BoxData& b, const double r[3], double s[3]) {
  for (int j = 0; j < 3; ++j) s[j] = r[0] * b.hinv[0][j] + r[1] * b.hinv[1][j] + r[2] * b.hinv[2][j];
}

MDGPU_HD void box_to_cart(const BoxData& b, const double s[3], double r[3]) {
  for (int j = 0; j < 3; ++j) r[j] = s[0] * b.h[0][j] + s[1] * b.h[1][j] + s[2] * b.h[2][j];
}

// Cartesian vector of an integer image shift n: n·H.
MDGPU_HD void box_shift(const BoxData& b, int n0, int n1, int n2, double out[3]) {
  for (int j = 0; j < 3; ++j) out[j] = n0 * b.h[0][j] + n1 * b.h[1][j] + n2 * b.h[2][j];
}

}  // namespace mdgpu
