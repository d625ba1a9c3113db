// Lennard-Jones and Morse with per-species-pair coefficients, optionally shifted to zero energy
// at the cut-off. For tests, tutorials and validation against LAMMPS.
#pragma once

#include <memory>

#include "model/potential_spec.hpp"
#include "core/system.hpp"
#include "kernels/backend.hpp"
#include "model/potential.hpp"

namespace mdgpu {

class PairPotential final : public Potential {
public:
  // Throws InputError when a species pair of `system` has no coefficients.
  PairPotential(const PotentialSpec& spec, const System& system, Backend& backend);

  std::string describe() const override { return description_; }
  double cutoff() const override { return cutoff_; }
  ForceResult compute(const AtomsView& atoms, const NeighborView& neighbors, const Box& box,
                      double* per_atom_energy) override;

private:
  Backend& backend_;
  PairKind kind_;
  int ntypes_;
  double cutoff_ = 0.0;
  std::string description_;
  Buffer<double> p0_, p1_, p2_, rc2_, eshift_;
  Buffer<double> energy_, virial6_;
};

}  // namespace mdgpu
