// Per-atom bodies of the cell-list neighbor build. The same code counts neighbors (out == null)
// and fills them, so the two passes always agree.
#pragma once

#include <cmath>
#include <cstdint>

#include "core/box_data.hpp"
#include "kernels/views.hpp"

namespace mdgpu {

MDGPU_HD void bin_coords(const BinGrid& g, const BoxData& box, double x, double y, double z, int c[3]) {
  const double r[3] = {x, y, z};
  double s[3];
  box_to_frac(box, r, s);
  for (int k = 0; k < 3; ++k) {
    int b = static_cast<int>(std::floor((s[k] - g.lo[k]) * g.inv_width[k]));
    c[k] = b < 0 ? 0 : (b >= g.nbins[k] ? g.nbins[k] - 1 : b);
  }
}

MDGPU_HD int bin_of_atom(const BinGrid& g, const BoxData& box, double x, double y, double z) {
  int c[3];
  bin_coords(g, box, x, y, z, c);
  return (c[0] * g.nbins[1] + c[1]) * g.nbins[2] + c[2];
}

// Folds stencil bin b along axis k into the grid, counting the cell shifts n it crossed; false
// when b falls outside an open axis. Stencils reach a bin or two, so the loops run at most once
// or twice (no integer division in the innermost loop).
MDGPU_HD bool stencil_bin(const BinGrid& g, int k, int& b, int& n) {
  const int nb = g.nbins[k];
  if (!g.periodic[k]) return b >= 0 && b < nb;
  while (b < 0) b += nb, --n;
  while (b >= nb) b -= nb, ++n;
  return true;
}

// Which of the two entries of a pair a half list keeps. The image of j sits d stencil bins from
// i exactly when the image of i sits -d bins from j, so keeping the upper half of the stencil
// (first non-zero component of d positive) keeps one of the two, without visiting the other half;
// in i's own bin (d = 0), the entry under the lower index.
MDGPU_HD bool upper_stencil_half(int d0, int d1, int d2) {
  return d0 > 0 || (d0 == 0 && (d1 > 0 || (d1 == 0 && d2 >= 0)));
}

// The atoms sorted by bin: bin b's are atoms[start[b] .. start[b + 1]) (start has total() + 1
// entries), and xyz[3p .. 3p + 2] is the position of atoms[p].
struct BinnedAtoms {
  const int* start;
  const int* atoms;
  const double* xyz;
};

// Visits every image of every atom within the list radius of atom i (except i itself at zero
// shift), in a fixed order: stencil bins, then atoms of a bin in their sorted order.
// Returns the count; when out_index is given, writes the first `capacity` neighbors from there on.
MDGPU_HD std::int64_t neighbors_of_atom(const BinGrid& g, const BoxData& box, const double* x, const double* y,
                                        const double* z, const BinnedAtoms& bins, int i, int* out_index,
                                        std::int32_t* out_image, std::int64_t capacity) {
  const double xi = x[i], yi = y[i], zi = z[i];
  int c[3];
  bin_coords(g, box, xi, yi, zi, c);
  std::int64_t count = 0;
  for (int d0 = -g.reach[0]; d0 <= g.reach[0]; ++d0) {
    int b0 = c[0] + d0, n0 = 0;
    if (!stencil_bin(g, 0, b0, n0)) continue;
    for (int d1 = -g.reach[1]; d1 <= g.reach[1]; ++d1) {
      int b1 = c[1] + d1, n1 = 0;
      if (!stencil_bin(g, 1, b1, n1)) continue;
      for (int d2 = -g.reach[2]; d2 <= g.reach[2]; ++d2) {
        if (g.half && !upper_stencil_half(d0, d1, d2)) continue;
        const bool own_bin = d0 == 0 && d1 == 0 && d2 == 0;
        int b2 = c[2] + d2, n2 = 0;
        if (!stencil_bin(g, 2, b2, n2)) continue;
        const bool zero_shift = n0 == 0 && n1 == 0 && n2 == 0;
        double shift[3] = {0.0, 0.0, 0.0};
        if (!zero_shift) box_shift(box, n0, n1, n2, shift);
        const int bin = (b0 * g.nbins[1] + b1) * g.nbins[2] + b2;
        for (int p = bins.start[bin]; p < bins.start[bin + 1]; ++p) {
          const int j = bins.atoms[p];
          if (j == i && zero_shift) continue;
          if (g.half && own_bin && j < i) continue;
          const double dx = bins.xyz[3 * p] + shift[0] - xi;
          const double dy = bins.xyz[3 * p + 1] + shift[1] - yi;
          const double dz = bins.xyz[3 * p + 2] + shift[2] - zi;
          if (dx * dx + dy * dy + dz * dz >= g.rlist2) continue;
          if (out_index && count < capacity) {
            out_index[count] = j;
            out_image[count] = pack_image(n0, n1, n2);
          }
          ++count;
        }
      }
    }
  }
  return count;
}

// r_ij = x_j + shift - x_i for neighbor slot p (atom j) of the atom at ri. Most neighbors are in
// the home cell: their zero shift is skipped, with the same result (adding a zero shift is exact).
MDGPU_HD void neighbor_vector(const NeighborView& nl, const BoxData& box, const double* x, const double* y,
                              const double* z, const double ri[3], int j, std::int64_t p, double r[3]) {
  if (nl.image[p] == kZeroImage) {
    r[0] = x[j] - ri[0];
    r[1] = y[j] - ri[1];
    r[2] = z[j] - ri[2];
    return;
  }
  int n0, n1, n2;
  unpack_image(nl.image[p], n0, n1, n2);
  double shift[3];
  box_shift(box, n0, n1, n2, shift);
  r[0] = x[j] + shift[0] - ri[0];
  r[1] = y[j] + shift[1] - ri[1];
  r[2] = z[j] + shift[2] - ri[2];
}

// The same for neighbor slot p of atom i.
MDGPU_HD void neighbor_vector(const NeighborView& nl, const BoxData& box, const double* x,
                              const double* y, const double* z, int i, std::int64_t p, double r[3]) {
  const double ri[3] = {x[i], y[i], z[i]};
  neighbor_vector(nl, box, x, y, z, ri, nl.index[p], p, r);
}

}  // namespace mdgpu
