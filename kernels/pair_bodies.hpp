// Per-atom body of the pair potentials over a full neighbor list, one template for every
// evaluator kind (kernels/pair_evaluators.hpp). Each atom sums its own force, half of each pair
// energy and half of each pair virial, so no atomics are needed and results do not depend on
// thread order.
#pragma once

#include "kernels/neighbor_bodies.hpp"
#include "kernels/pair_evaluators.hpp"

namespace mdgpu {

// Writes force, half the pair energies and half the pair virials (xx yy zz xy xz yz, stored
// as virial6[c * n + i]) of atom i. Virial W = -sum_pairs (dE/dr / r) r_ij ⊗ r_ij.
template <class Ev>
MDGPU_HD void pair_forces_atom(const PairTable<Ev>& t, const AtomsView& a, const NeighborView& nl,
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
    Ev::evaluate(t.coeffs[k], r2, eij, g);
    eij -= t.eshift[k];
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
