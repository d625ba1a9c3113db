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

// Which of the two entries of a pair a half list keeps: the one under the lower atom index, and
// for an atom and its own image, the one with the positive shift (first non-zero component).
MDGPU_HD bool half_list_keeps(int i, int j, int n0, int n1, int n2) {
  if (j != i) return j > i;
  return n0 > 0 || (n0 == 0 && (n1 > 0 || (n1 == 0 && n2 > 0)));
}

// Visits every image of every atom within the list radius of atom i (except i itself at zero
// shift), in a fixed order: stencil bins, then atoms of a bin in their sorted order.
// Returns the count; when out_index is given, writes neighbors from there on.
// bin_start has total()+1 entries; bin_atoms lists atom indices sorted by bin.
MDGPU_HD int neighbors_of_atom(const BinGrid& g, const BoxData& box, const double* x, const double* y,
                               const double* z, const int* bin_start, const int* bin_atoms, int i,
                               int* out_index, std::int32_t* out_image) {
  int c[3];
  bin_coords(g, box, x[i], y[i], z[i], c);
  int count = 0;
  for (int d0 = -g.reach[0]; d0 <= g.reach[0]; ++d0) {
    int b0 = c[0] + d0, n0 = 0;
    if (g.periodic[0]) {
      n0 = b0 >= 0 ? b0 / g.nbins[0] : -((-b0 + g.nbins[0] - 1) / g.nbins[0]);
      b0 -= n0 * g.nbins[0];
    } else if (b0 < 0 || b0 >= g.nbins[0]) {
      continue;
    }
    for (int d1 = -g.reach[1]; d1 <= g.reach[1]; ++d1) {
      int b1 = c[1] + d1, n1 = 0;
      if (g.periodic[1]) {
        n1 = b1 >= 0 ? b1 / g.nbins[1] : -((-b1 + g.nbins[1] - 1) / g.nbins[1]);
        b1 -= n1 * g.nbins[1];
      } else if (b1 < 0 || b1 >= g.nbins[1]) {
        continue;
      }
      for (int d2 = -g.reach[2]; d2 <= g.reach[2]; ++d2) {
        int b2 = c[2] + d2, n2 = 0;
        if (g.periodic[2]) {
          n2 = b2 >= 0 ? b2 / g.nbins[2] : -((-b2 + g.nbins[2] - 1) / g.nbins[2]);
          b2 -= n2 * g.nbins[2];
        } else if (b2 < 0 || b2 >= g.nbins[2]) {
          continue;
        }
        double shift[3];
        box_shift(box, n0, n1, n2, shift);
        const int bin = (b0 * g.nbins[1] + b1) * g.nbins[2] + b2;
        const bool zero_shift = n0 == 0 && n1 == 0 && n2 == 0;
        for (int p = bin_start[bin]; p < bin_start[bin + 1]; ++p) {
          const int j = bin_atoms[p];
          if (j == i && zero_shift) continue;
          if (g.half && !half_list_keeps(i, j, n0, n1, n2)) continue;
          const double dx = x[j] + shift[0] - x[i];
          const double dy = y[j] + shift[1] - y[i];
          const double dz = z[j] + shift[2] - z[i];
          if (dx * dx + dy * dy + dz * dz >= g.rlist2) continue;
          if (out_index) {
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

// r_ij = x_j + shift - x_i for neighbor slot p of atom i. Most neighbors are in the home cell:
// their zero shift is skipped, with the same result (adding a zero shift is exact).
MDGPU_HD void neighbor_vector(const NeighborView& nl, const BoxData& box, const double* x,
                              const double* y, const double* z, int i, std::int64_t p, double r[3]) {
  const int j = nl.index[p];
  if (nl.image[p] == kZeroImage) {
    r[0] = x[j] - x[i];
    r[1] = y[j] - y[i];
    r[2] = z[j] - z[i];
    return;
  }
  int n0, n1, n2;
  unpack_image(nl.image[p], n0, n1, n2);
  double shift[3];
  box_shift(box, n0, n1, n2, shift);
  r[0] = x[j] + shift[0] - x[i];
  r[1] = y[j] + shift[1] - y[i];
  r[2] = z[j] + shift[2] - z[i];
}

}  // namespace mdgpu
