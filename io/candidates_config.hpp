// Reads [output.candidates] (docs/committee.md): it needs a committee potential, and its
// thresholds must bracket a non-empty range of force deviations.
#pragma once

#include <optional>

#include "io/candidates_spec.hpp"
#include "io/output_claims.hpp"
#include "io/toml_section.hpp"
#include "model/potential_spec.hpp"

namespace mdgpu {

// nullopt when `output` has no candidates table.
std::optional<CandidatesSpec> read_candidates(const Section& output, OutputPaths& paths,
                                              const PotentialSpec& potential);

}  // namespace mdgpu
