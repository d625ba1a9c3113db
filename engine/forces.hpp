// Keeps the neighbor list current and evaluates the potential: the "F" of every integrator.
#pragma once

#include "engine/neighbor_list.hpp"
#include "model/potential.hpp"

namespace mdgpu {

class ForceComputer {
public:
  ForceComputer(Backend& backend, Potential& potential, double skin)
      : potential_(potential), neighbors_(backend, potential.cutoff(), skin, potential.wants_half_list()),
        per_atom_energy_(backend.space(), 0) {}

  // Updates the neighbor list if needed, then the forces in `atoms`; returns energy and virial.
  // tally = false: the step reads no energy or virial, which the potential may then skip
  // (Potential::compute_forces; ForceResult::tallied says whether it did).
  const ForceResult& compute(AtomsView atoms, const Box& box, bool tally = true);
  const ForceResult& last() const { return last_; }
  const Buffer<double>& per_atom_energy() const { return per_atom_energy_; }
  NeighborList& neighbors() { return neighbors_; }
  Potential& potential() { return potential_; }

private:
  Potential& potential_;
  NeighborList neighbors_;
  Buffer<double> per_atom_energy_;
  ForceResult last_;
};

}  // namespace mdgpu
