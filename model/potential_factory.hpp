// The potential an input file asks for.
#pragma once

#include <memory>

#include "model/potential_spec.hpp"
#include "core/system.hpp"
#include "kernels/backend.hpp"
#include "model/potential.hpp"

namespace mdgpu {

std::unique_ptr<Potential> make_potential(const PotentialSpec& spec, const System& system,
                                          Backend& backend);

}  // namespace mdgpu
