#include "engine/forces.hpp"

#include <cmath>

#include <fmt/format.h>

#include "engine/errors.hpp"

namespace mdgpu {

const ForceResult& ForceComputer::compute(AtomsView atoms, const Box& box) {
  neighbors_.update(atoms, box);
  per_atom_energy_.resize(atoms.n);
  last_ = potential_.compute(atoms, neighbors_.view(), box, per_atom_energy_.data());
  if (!std::isfinite(last_.energy))
    throw RuntimeFailure(fmt::format("the potential energy is not finite ({}): the system blew up "
                                     "(time step too large, or atoms overlapping)",
                                     last_.energy));
  return last_;
}

}  // namespace mdgpu
