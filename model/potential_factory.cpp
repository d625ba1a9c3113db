#include "model/potential_factory.hpp"

#include "engine/errors.hpp"
#include "model/pair_potential.hpp"

namespace mdgpu {

std::unique_ptr<Potential> make_potential(const PotentialSpec& spec, const System& system,
                                          Backend& backend) {
  if (spec.kind == "lj" || spec.kind == "morse")
    return std::make_unique<PairPotential>(spec, system, backend);
  throw InputError("potential.kind", "potential '" + spec.kind +
                                         "' is not available in this build (available: lj, morse)");
}

}  // namespace mdgpu
