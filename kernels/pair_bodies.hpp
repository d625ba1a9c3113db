// Per-atom bodies of the pair potentials, one template for every evaluator kind
// (kernels/pair_evaluators.hpp). Over a full list each atom sums its own force, half of each pair
// energy and half of each pair virial, so no atomics are needed and results do not depend on
// thread order. Over a half list each pair is evaluated once and its force applied to both atoms
// (Newton's third law): half the work, but the partner's share goes to an accumulator.
// kTally = false leaves out the energies and virials (steps nobody reads them on, as LAMMPS's
// eflag/vflag): the forces are summed in the same order either way, so they are bitwise the same.
#pragma once

#include "kernels/neighbor_bodies.hpp"
#include "kernels/pair_evaluators.hpp"

namespace mdgpu {

// The pair in slot p of atom i (type ti, position ri): false beyond its cut-off; otherwise r_ij,
// (dE/dr)/r and, with kTally, the pair's energy (shifted). Atom i's position comes in by value, so
// that the half-list body's stores to the accumulators do not make it reload x[i] per neighbor.
template <class Ev, bool kTally>
MDGPU_HD bool pair_term(const PairTable<Ev>& t, const AtomsView& a, const NeighborView& nl, const BoxData& box,
                        const double ri[3], int ti, std::int64_t p, double r[3], double& eij, double& g) {
  const int j = nl.index[p];
  neighbor_vector(nl, box, a.x, a.y, a.z, ri, j, p, r);
  const double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
  const int k = ti * t.ntypes + a.type[j];
  if (r2 >= t.rc2[k]) return false;
  Ev::template evaluate<kTally>(t.coeffs[k], r2, eij, g);
  if constexpr (kTally) eij -= t.eshift[k];
  return true;
}

// Writes force and, with kTally, half the pair energies and half the pair virials (xx yy zz xy xz
// yz, stored as virial6[c * n + i]) of atom i. Virial W = -sum_pairs (dE/dr / r) r_ij ⊗ r_ij.
template <class Ev, bool kTally>
MDGPU_HD void pair_forces_atom(const PairTable<Ev>& t, const AtomsView& a, const NeighborView& nl,
                               const BoxData& box, int i, double* energy, double* virial6) {
  double f[3] = {0, 0, 0}, e = 0, w[6] = {0, 0, 0, 0, 0, 0};
  const int ti = a.type[i];
  const double ri[3] = {a.x[i], a.y[i], a.z[i]};
  for (std::int64_t p = nl.offsets[i]; p < nl.offsets[i + 1]; ++p) {
    double r[3], eij, g;
    if (!pair_term<Ev, kTally>(t, a, nl, box, ri, ti, p, r, eij, g)) continue;
    for (int c = 0; c < 3; ++c) f[c] += g * r[c];
    if constexpr (kTally) {
      e += 0.5 * eij;
      w[0] -= 0.5 * g * r[0] * r[0];
      w[1] -= 0.5 * g * r[1] * r[1];
      w[2] -= 0.5 * g * r[2] * r[2];
      w[3] -= 0.5 * g * r[0] * r[1];
      w[4] -= 0.5 * g * r[0] * r[2];
      w[5] -= 0.5 * g * r[1] * r[2];
    }
  }
  a.fx[i] = f[0];
  a.fy[i] = f[1];
  a.fz[i] = f[2];
  if constexpr (kTally) {
    energy[i] = e;
    for (int c = 0; c < 6; ++c) virial6[c * a.n + i] = w[c];
  }
}

// Accumulators of the half-list body, [0, n) each: force components and (with kTally) the
// per-atom energy.
struct PairAccumulators {
  double *fx, *fy, *fz, *energy;
};

// Adds the pairs of atom i's half-list row to acc — for both atoms of each pair the force and,
// with kTally, half the pair energy — and writes the row's whole pair virial to virial6[c * n + i],
// so the virials of all rows sum to the total.
template <class Ev, bool kTally>
MDGPU_HD void pair_forces_half_atom(const PairTable<Ev>& t, const AtomsView& a, const NeighborView& nl,
                                    const BoxData& box, int i, const PairAccumulators& acc, double* virial6) {
  double f[3] = {0, 0, 0}, e = 0, w[6] = {0, 0, 0, 0, 0, 0};
  const int ti = a.type[i];
  const double ri[3] = {a.x[i], a.y[i], a.z[i]};
  double* const fx = acc.fx;
  double* const fy = acc.fy;
  double* const fz = acc.fz;
  for (std::int64_t p = nl.offsets[i], end = nl.offsets[i + 1]; p < end; ++p) {
    double r[3], eij, g;
    if (!pair_term<Ev, kTally>(t, a, nl, box, ri, ti, p, r, eij, g)) continue;
    const int j = nl.index[p];
    const double fij[3] = {g * r[0], g * r[1], g * r[2]};
    for (int c = 0; c < 3; ++c) f[c] += fij[c];
    fx[j] -= fij[0];
    fy[j] -= fij[1];
    fz[j] -= fij[2];
    if constexpr (kTally) {
      e += 0.5 * eij;
      acc.energy[j] += 0.5 * eij;
      w[0] -= fij[0] * r[0];
      w[1] -= fij[1] * r[1];
      w[2] -= fij[2] * r[2];
      w[3] -= fij[0] * r[1];
      w[4] -= fij[0] * r[2];
      w[5] -= fij[1] * r[2];
    }
  }
  fx[i] += f[0];
  fy[i] += f[1];
  fz[i] += f[2];
  if constexpr (kTally) {
    acc.energy[i] += e;
    for (int c = 0; c < 6; ++c) virial6[c * a.n + i] = w[c];
  }
}

}  // namespace mdgpu
