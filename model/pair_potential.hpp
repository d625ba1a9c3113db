// Lennard-Jones and Morse with per-species-pair coefficients, optionally shifted to zero energy
// at the cut-off. For tests, tutorials and validation against LAMMPS. The maths of each kind is
// an evaluator type (kernels/pair_evaluators.hpp); this class fills its coefficient table.
#pragma once

#include <memory>
#include <variant>

#include "model/potential_spec.hpp"
#include "core/system.hpp"
#include "kernels/backend.hpp"
#include "model/potential.hpp"

namespace mdgpu {

class PairPotential final : public Potential {
public:
  // Throws InputError when a species pair of `system` has no coefficients.
  PairPotential(const LennardJonesSpec& spec, const System& system, Backend& backend);
  PairPotential(const MorseSpec& spec, const System& system, Backend& backend);

  std::string describe() const override { return description_; }
  double cutoff() const override { return cutoff_; }
  // With `newton` on the host: half the pair work. The device takes full lists
  // (kernels/cuda/cuda_exec.cuh).
  bool wants_half_list() const override { return newton_ && backend_.space() == Space::Host; }
  ForceResult compute(const AtomsView& atoms, const NeighborView& neighbors, const Box& box,
                      double* per_atom_energy) override;
  bool replayable() const override { return true; }
  ForceResult compute_forces(const AtomsView& atoms, const NeighborView& neighbors, const Box& box,
                             double* per_atom_energy) override;

private:
  PairPotential(const PairPotentialSpec& spec, Backend& backend);
  template <class Ev>
  void set_up(const PairPotentialSpec& spec, const System& system);

  Backend& backend_;
  bool newton_;
  double cutoff_ = 0.0;
  std::string description_;
  Buffer<std::uint8_t> coeffs_;  // the kind's Coeffs per type pair, in the backend's memory
  Buffer<double> rc2_, eshift_;
  std::variant<PairTable<LennardJones>, PairTable<Morse>> table_;  // views of the three above
  Buffer<double> energy_, virial6_;
};

}  // namespace mdgpu
