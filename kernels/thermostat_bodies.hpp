// The thermostats' own arithmetic on plain data, shared by the host (the barostats' chains) and
// the backends' one-item thermostat kernels: a Nosé–Hoover chain's half step and the energy the
// Langevin thermostat exchanges. With their state in the backend's memory, a thermostatted step
// reads nothing back, so that it can run ahead of the host's reads (engine/simulation.hpp).
#pragma once

#include <cmath>

#include "kernels/fixed_sums.hpp"
#include "kernels/views.hpp"

namespace mdgpu {

// Longest chain a state holds (io/input_limits.hpp bounds the inputs by it).
inline constexpr int kMaxChainElements = 64;

// A Nosé–Hoover chain (Martyna, Tuckerman & Klein, J. Chem. Phys. 97, 2635 (1992)) coupled to one
// kinetic energy: positions xi, velocities vxi (1/ps) and masses q (eV ps²) of its first `length`
// elements, the target and degrees of freedom of its last half step, and its constants.
struct NoseHooverChainState {
  int length = 0;
  int substeps = 1;      // each half step in substeps x 3 Suzuki-Yoshida sub-steps
  int light_first = 0;   // Q_0 = kT tdamp² rather than dof kT tdamp² (LAMMPS's barostat chain)
  int dof = 0;
  double tdamp = 0.0;    // ps
  double kT = 0.0;       // eV; 0 before the first half step
  double xi[kMaxChainElements] = {}, vxi[kMaxChainElements] = {}, q[kMaxChainElements] = {};
};

// Force on chain element k given twice the coupled kinetic energy.
MDGPU_HD double chain_force(const NoseHooverChainState& c, int k, double ke2) {
  if (k == 0) return (ke2 - c.dof * c.kT) / c.q[0];
  return (c.q[k - 1] * c.vxi[k - 1] * c.vxi[k - 1] - c.kT) / c.q[k];
}

// Half a step of `dt` (ps) coupled to kinetic energy `ke2` / 2 (eV) of `dof` degrees of freedom at
// target `kT` (eV) (Martyna, Tuckerman, Tobias & Klein, Mol. Phys. 87, 1117 (1996)); returns the
// factor by which the coupled velocities are to be scaled. A target of 0 K leaves the chain still
// and returns 1.
MDGPU_HD double chain_half_step(NoseHooverChainState& c, double ke2, int dof, double kT, double dt) {
  c.kT = kT;
  c.dof = dof;
  const int m = c.length;
  for (int k = 0; k < m; ++k) c.q[k] = kT * c.tdamp * c.tdamp;
  if (!c.light_first) c.q[0] *= dof;
  if (kT <= 0.0) return 1.0;  // a 0 K target has no thermostat mass

  const double w1 = 1.0 / (2.0 - std::cbrt(2.0));
  const double weights[3] = {w1, 1.0 - 2.0 * w1, w1};
  double scale = 1.0;
  for (int n = 0; n < c.substeps; ++n) {
    for (double w : weights) {
      const double d = w * 0.5 * dt / c.substeps;  // sub-step of this half step
      c.vxi[m - 1] += 0.5 * d * chain_force(c, m - 1, ke2);
      for (int k = m - 1; k-- > 0;) {
        const double s = std::exp(-0.25 * d * c.vxi[k + 1]);
        c.vxi[k] = (c.vxi[k] * s + 0.5 * d * chain_force(c, k, ke2)) * s;
      }
      const double f = std::exp(-d * c.vxi[0]);
      scale *= f;
      ke2 *= f * f;
      for (int k = 0; k < m; ++k) c.xi[k] += d * c.vxi[k];
      for (int k = 0; k + 1 < m; ++k) {
        const double s = std::exp(-0.25 * d * c.vxi[k + 1]);
        c.vxi[k] = (c.vxi[k] * s + 0.5 * d * chain_force(c, k, ke2)) * s;
      }
      c.vxi[m - 1] += 0.5 * d * chain_force(c, m - 1, ke2);
    }
  }
  return scale;
}

// The chain's energy (eV) at the target of its last half step (0 before the first one, which
// sets the target and the masses):
// conserved = KE + PE + this.
MDGPU_HD double chain_energy(const NoseHooverChainState& c) {
  double e = 0.0;
  for (int k = 0; k < c.length; ++k) {
    e += 0.5 * c.q[k] * c.vxi[k] * c.vxi[k];
    e += (k == 0 ? c.dof : 1) * c.kT * c.xi[k];
  }
  return e;
}

// Kinetic energy (eV) from the sums of m v⊗v (xx yy zz xy xz yz; the backends' kinetic tensor).
MDGPU_HD double kinetic_energy_of(const Sums<6>& t) { return 0.5 * (t.v[0] + t.v[1] + t.v[2]); }

}  // namespace mdgpu
