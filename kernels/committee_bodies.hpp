// Per-atom bodies of a committee of potentials (model/committee_potential.hpp): the members'
// mean force and per-atom energy, and the force deviation across members as DeePMD's model_devi
// defines it, σ_i = sqrt(1/N Σ_m |F_m,i − F̄_i|²) (the population standard deviation of the
// force vector: with N members of equal standing there is no sample to correct for), with the
// merge of its reduction: the largest σ_i, the atom that has it (ties to the lower index, so
// every backend finds the same atom) and the sum for the mean.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/guard_bodies.hpp"
#include "kernels/views.hpp"

namespace mdgpu {

// Member 0's forces and per-atom energies are where the driving potential writes them (the
// atoms' force arrays and the per-atom energy array); members 1..N-1 are in `f` (component-major
// per member: f[(3 (m - 1) + k) n + i]) and `e` (e[(m - 1) n + i]).
struct CommitteeView {
  int n = 0;
  int members = 1;
  const double* f = nullptr;
  const double* e = nullptr;
};

struct CommitteeDeviation {
  double max = 0.0;  // eV/Å, the largest σ_i
  double sum = 0.0;  // eV/Å, Σ_i σ_i
  int atom = -1;     // the atom with the largest
};

// Member m's force on atom i, component k.
MDGPU_HD double member_force(const CommitteeView& c, const AtomsView& a, int m, int k, int i) {
  if (m == 0) return k == 0 ? a.fx[i] : k == 1 ? a.fy[i] : a.fz[i];
  return c.f[(3 * static_cast<std::int64_t>(m - 1) + k) * c.n + i];
}

// σ_i into dev[i] when dev is given; with `mean`, the members' mean force and per-atom energy
// replace member 0's (summed from member 0 in member order, so that a committee of one keeps
// its forces bit for bit).
MDGPU_HD void committee_atom(const CommitteeView& c, const AtomsView& a, double* energy, double* dev, bool mean,
                             int i) {
  double fbar[3];
  for (int k = 0; k < 3; ++k) {
    double s = member_force(c, a, 0, k, i);
    for (int m = 1; m < c.members; ++m) s += member_force(c, a, m, k, i);
    fbar[k] = s / c.members;
  }
  if (dev) {
    double sq = 0.0;
    for (int m = 0; m < c.members; ++m)
      for (int k = 0; k < 3; ++k) {
        const double d = member_force(c, a, m, k, i) - fbar[k];
        sq += d * d;
      }
    dev[i] = sqrt(sq / c.members);
  }
  if (!mean) return;
  a.fx[i] = fbar[0], a.fy[i] = fbar[1], a.fz[i] = fbar[2];
  if (energy) {
    double s = energy[i];
    for (int m = 1; m < c.members; ++m) s += c.e[static_cast<std::int64_t>(m - 1) * c.n + i];
    energy[i] = s / c.members;
  }
}

MDGPU_HD CommitteeDeviation merge_deviations(const CommitteeDeviation& l, const CommitteeDeviation& r) {
  CommitteeDeviation m = l;
  m.sum = l.sum + r.sum;
  if (outranks(r.max, r.atom, l.max, l.atom)) m.max = r.max, m.atom = r.atom;
  return m;
}

}  // namespace mdgpu
