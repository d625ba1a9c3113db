#include "engine/forces.hpp"

namespace mdgpu {

// A non-finite result is not caught here but by the instability guard (engine/step_guard.hpp),
// which names the atom.
const ForceResult& ForceComputer::compute(AtomsView atoms, const Box& box, bool tally) {
  neighbors_.update(atoms, box);
  per_atom_energy_.resize(atoms.n);
  last_ = tally ? potential_.compute(atoms, neighbors_.view(), box, per_atom_energy_.data())
                : potential_.compute_forces(atoms, neighbors_.view(), box, per_atom_energy_.data());
  return last_;
}

}  // namespace mdgpu
