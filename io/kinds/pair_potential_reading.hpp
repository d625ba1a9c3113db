// What the pair-potential kinds (lj, morse) share: the keys of [potential], the pairs table with
// its species checks, the dry-run line. Each kind reads only its own coefficients.
#pragma once

#include <string>
#include <vector>

#include "io/potential_kinds.hpp"
#include "io/toml_section.hpp"

namespace mdgpu {

Words pair_potential_keys();  // cutoff, shift, newton, pairs

// `coefficient_keys` are the kind's keys of each pairs entry; `read_coefficients` reads them.
void read_pair_potential(const Section& s, PairPotentialSpec& spec, const Words& coefficient_keys,
                         void (*read_coefficients)(const Section& pair, PairCoefficients& c));

std::string describe_pair_potential(const PairPotentialSpec& spec);

}  // namespace mdgpu
