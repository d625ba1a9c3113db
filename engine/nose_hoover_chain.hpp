// A Nosé–Hoover chain (Martyna, Tuckerman & Klein, J. Chem. Phys. 97, 2635 (1992)) coupled to one
// kinetic energy: the particles' for the NVT thermostat, a barostat's cell momentum for its own
// thermostat. It holds the chain's positions, velocities and masses and takes half a time step,
// returning the factor by which the coupled velocities are to be scaled.
#pragma once

#include <cstddef>
#include <vector>

namespace mdgpu {

class NoseHooverChain {
public:
  // `tdamp` (ps) sets the masses, Q_k = kT tdamp² (× dof for the first unless `light_first`, as
  // LAMMPS's chain on a barostat has it); each half step is split into `substeps` × 3
  // Suzuki–Yoshida sub-steps (Martyna, Tuckerman, Tobias & Klein, Mol. Phys. 87, 1117 (1996)).
  NoseHooverChain(int length, double tdamp, int substeps, bool light_first = false);

  // Half a step of `dt` (ps) coupled to kinetic energy `ke2` / 2 (eV) of `dof` degrees of freedom
  // at target `kT` (eV). A target of 0 K leaves the chain still and returns 1.
  double half_step(double ke2, int dof, double kT, double dt);

  // The chain's energy (eV) at the target of its last half step (0 before the first one):
  // conserved = KE + PE + this.
  double energy() const;

  // Positions then velocities, for checkpoints; set_state returns false (and changes nothing)
  // when `state` does not fit the chain's length.
  std::vector<double> state() const;
  bool set_state(const std::vector<double>& state);

private:
  // Force on chain element k given twice the coupled kinetic energy.
  double force(std::size_t k, double ke2) const;

  double tdamp_;
  int substeps_;
  bool light_first_;
  std::vector<double> xi_, vxi_, q_;  // positions, velocities (1/ps), masses (eV ps²)
  double kT_ = 0.0;
  int dof_ = 0;
};

}  // namespace mdgpu
