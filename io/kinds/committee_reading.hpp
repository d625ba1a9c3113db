// potential.committee of kind "nequip": several model files of the same species evaluated
// together (model/committee_potential.hpp), with `drive` and `every`.
#pragma once

#include <memory>

#include "core/system.hpp"
#include "io/toml_section.hpp"
#include "kernels/backend.hpp"
#include "model/potential.hpp"
#include "model/potential_spec.hpp"

namespace mdgpu {

// Reads `committee`, `drive` and `every` into `spec` when `committee` is given (then `model`
// must not be); otherwise rejects `drive` and `every`. Every member must exist and know the same
// species as the first, in the same order.
void read_committee(const Section& s, NequipSpec& spec);

// The committee of spec.committee's models (each a NequipPotential).
std::unique_ptr<Potential> make_committee(const NequipSpec& spec, const System& system, Backend& backend);

}  // namespace mdgpu
