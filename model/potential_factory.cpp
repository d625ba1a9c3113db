#include "model/potential_factory.hpp"

#include "core/errors.hpp"
#include "model/nequip_potential.hpp"
#include "model/pair_potential.hpp"

namespace mdgpu {

std::unique_ptr<Potential> make_potential(const PotentialSpec& spec, const System& system,
                                          Backend& backend) {
  if (spec.kind == "lj" || spec.kind == "morse")
    return std::make_unique<PairPotential>(spec, system, backend);
  if (spec.kind == "nequip")
    return std::make_unique<NequipPotential>(spec.model.string(), spec.precision, system, backend);
  throw InputError("potential.kind", "potential '" + spec.kind + "' is not available (lj, morse, nequip)");
}

}  // namespace mdgpu
