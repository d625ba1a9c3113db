// Per-atom bodies of the pair potentials (Lennard-Jones, Morse) over a full neighbor list.
// Each atom sums its own force, half of each pair energy and half of each pair virial, so no
// atomics are needed and results do not depend on thread order.
#pragma once

#include <cmath>

#include "kernels/neighbor_bodies.hpp"

namespace mdgpu {

enum class PairKind : int { LennardJones = 0, Morse = 1 };

// Per type-pair coefficients, row-major [ta * ntypes + tb].
// LJ: p0 = 4 eps sigma^12, p1 = 4 eps sigma^6. Morse: p0 = D0, p1 = alpha, p2 = r0.
struct PairTableView {
  PairKind kind;
  int ntypes;
  const double *p0, *p1, *p2;
  const double* rc2;     // squared cut-off per pair (0 = no interaction)
  const double* eshift;  // energy subtracted inside the cut-off
};

// Energy and (dE/dr)/r of one pair at squared distance r2.
MDGPU_HD void pair_energy(const PairTableView& t, int k, double r2, double& e, double& dedr_over_r) {
  if (t.kind == PairKind::LennardJones) {
    const double inv2 = 1.0 / r2, inv6 = inv2 * inv2 * inv2;
    e = inv6 * (t.p0[k] * inv6 - t.p1[k]) - t.eshift[k];
    dedr_over_r = -inv6 * (12.0 * t.p0[k] * inv6 - 6.0 * t.p1[k]) * inv2;
  } else {
    const double r = std::sqrt(r2);
    const double ex = std::exp(-t.p1[k] * (r - t.p2[k]));
    e = t.p0[k] * (ex * ex - 2.0 * ex) - t.eshift[k];
    dedr_over_r = 2.0 * t.p0[k] * t.p1[k] * (ex - ex * ex) / r;
  }
}

// Writes force, half the pair energies and half the pair virials (xx yy zz xy xz yz, stored
// as virial6[c * n + i]) of atom i. Virial W = -sum_pairs (dE/dr / r) r_ij ⊗ r_ij.
MDGPU_HD void pair_forces_atom(const PairTableView& t, const AtomsView& a, const NeighborView& nl,
                               const BoxData& box, int i, double* energy, double* virial6) {
  double f[3] = {0, 0, 0}, e = 0, w[6] = {0, 0, 0, 0, 0, 0};
  const int ti = a.type[i];
  for (std::int64_t p = nl.offsets[i]; p < nl.offsets[i + 1]; ++p) {
    double r[3];
    neighbor_vector(nl, box, a.x, a.y, a.z, i, p, r);
    const double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
    const int k = ti * t.ntypes + a.type[nl.index[p]];
    if (r2 >= t.rc2[k]) continue;
    double eij, g;
    pair_energy(t, k, r2, eij, g);
    e += 0.5 * eij;
    for (int c = 0; c < 3; ++c) f[c] += g * r[c];
    w[0] -= 0.5 * g * r[0] * r[0];
    w[1] -= 0.5 * g * r[1] * r[1];
    w[2] -= 0.5 * g * r[2] * r[2];
    w[3] -= 0.5 * g * r[0] * r[1];
    w[4] -= 0.5 * g * r[0] * r[2];
    w[5] -= 0.5 * g * r[1] * r[2];
  }
  a.fx[i] = f[0];
  a.fy[i] = f[1];
  a.fz[i] = f[2];
  energy[i] = e;
  for (int c = 0; c < 6; ++c) virial6[c * a.n + i] = w[c];
}

}  // namespace mdgpu
