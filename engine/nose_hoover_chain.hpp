// A Nosé–Hoover chain on the host (kernels/thermostat_bodies.hpp does the arithmetic): the
// barostats' chains, coupled to the particles' or the cell's kinetic energy. It takes half a time
// step, returning the factor by which the coupled velocities are to be scaled. The NVT thermostat
// keeps its chain in the backend's memory instead (engine/integrators.cpp).
#pragma once

#include <vector>

#include "kernels/thermostat_bodies.hpp"

namespace mdgpu {

// The state of a chain of `length` elements at rest. `tdamp` (ps) sets the masses,
// Q_k = kT tdamp² (× dof for the first unless `light_first`, as LAMMPS's chain on a barostat has
// it); each half step is split into `substeps` × 3 Suzuki–Yoshida sub-steps.
NoseHooverChainState chain_at_rest(int length, double tdamp, int substeps, bool light_first = false);

// A chain's positions then velocities, for checkpoints; chain_from returns false (and changes
// nothing) when `values` does not fit the chain's length.
std::vector<double> chain_values(const NoseHooverChainState& c);
bool chain_from(const std::vector<double>& values, NoseHooverChainState& c);

class NoseHooverChain {
public:
  NoseHooverChain(int length, double tdamp, int substeps, bool light_first = false)
      : s_(chain_at_rest(length, tdamp, substeps, light_first)) {}

  // Half a step of `dt` (ps) coupled to kinetic energy `ke2` / 2 (eV) of `dof` degrees of freedom
  // at target `kT` (eV). A target of 0 K leaves the chain still and returns 1.
  double half_step(double ke2, int dof, double kT, double dt) { return chain_half_step(s_, ke2, dof, kT, dt); }

  // The chain's energy (eV) at the target of its last half step (0 before the first one):
  // conserved = KE + PE + this.
  double energy() const { return chain_energy(s_); }

  std::vector<double> state() const { return chain_values(s_); }
  bool set_state(const std::vector<double>& state) { return chain_from(state, s_); }

private:
  NoseHooverChainState s_;
};

}  // namespace mdgpu
