// Plain-pointer views that kernels take: atoms, neighbor list, bin grid. They own nothing;
// the engine's buffers (engine/atoms.hpp, engine/neighbor_list.hpp) hand them out.
#pragma once

#include <cstdint>

#include "core/hd.hpp"

namespace mdgpu {

struct AtomsView {
  int n = 0;
  double *x = nullptr, *y = nullptr, *z = nullptr;     // Å
  double *vx = nullptr, *vy = nullptr, *vz = nullptr;  // Å/ps
  double *fx = nullptr, *fy = nullptr, *fz = nullptr;  // eV/Å
  const double* mass = nullptr;                        // amu, per atom
  const int* type = nullptr;
  std::int32_t *imx = nullptr, *imy = nullptr, *imz = nullptr;  // image counters
};

// Neighbor list in receiver-sorted CSR form: the neighbors of atom i are
// index[offsets[i] .. offsets[i+1]), each with the integer cell shift of its image, packed.
// A full list holds every pair twice (i-j and j-i); a half list once, under the atom that
// upper_stencil_half (kernels/neighbor_bodies.hpp) names, for kernels that apply Newton's third law.
struct NeighborView {
  int n = 0;
  int half = 0;
  const std::int64_t* offsets = nullptr;
  const int* index = nullptr;
  const std::int32_t* image = nullptr;
  // offsets[n], or a bound on it (a list with spare slots), when the host knows it without reading
  // it back (engine/neighbor_list.hpp), else -1.
  std::int64_t pairs = -1;
  // A spatial order of the atoms (order[k]: the atom at place k, n entries): the bins' order of the
  // last build, so that atoms close in space are close in it. Null: the atoms' own order. Kernels
  // that number their work in it (the NequIP graph) gain memory locality; the list itself is
  // indexed by atom either way.
  const int* order = nullptr;
  // 1: the list's updates are decided on the device (deferred mode, engine/neighbor_list.hpp,
  // NeighborList::defers), so the steps it serves are read later and voided when anything
  // overflowed: a consumer may size its own work by an estimate and void them through a flag of
  // its own (Potential::settle) instead of reading a count back. 0: an overflow could not be
  // redone.
  int deferred = 0;
};

// Cell shifts are packed 10 bits per axis (range -512..511: far beyond any useful image).
MDGPU_HD std::int32_t pack_image(int n0, int n1, int n2) {
  return static_cast<std::int32_t>(((n0 + 512) << 20) | ((n1 + 512) << 10) | (n2 + 512));
}
inline constexpr std::int32_t kZeroImage = (512 << 20) | (512 << 10) | 512;  // pack_image(0, 0, 0)
MDGPU_HD void unpack_image(std::int32_t code, int& n0, int& n1, int& n2) {
  n0 = ((code >> 20) & 1023) - 512;
  n1 = ((code >> 10) & 1023) - 512;
  n2 = (code & 1023) - 512;
}

// Binning of atoms in fractional coordinates. Periodic axes span [0, 1); open axes span
// [lo, lo + span) of the atoms' extent. `reach` bins on each side cover the list radius.
struct BinGrid {
  int nbins[3];
  int reach[3];
  double lo[3];
  double inv_width[3];  // bins per unit fractional coordinate
  int periodic[3];
  double rlist2;        // squared list radius (cut-off + skin), Å²
  int half;             // list each pair once (NeighborView::half)
  int total() const { return nbins[0] * nbins[1] * nbins[2]; }
};

}  // namespace mdgpu
