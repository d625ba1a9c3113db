// What the analysis kinds' readers share: lists of names and species, and time windows checked
// against the stages they are sampled over.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/analysis_kinds.hpp"
#include "io/toml_section.hpp"

namespace mdgpu {

// A string or an array of strings (one name is accepted for a list of one), none listed twice;
// nullopt when absent.
std::optional<std::vector<std::string>> string_list(const Section& s, std::string_view key);

// A list of chemical symbols; empty when absent.
std::vector<std::string> species_list(const Section& s, std::string_view key);

// A time window of an analysis (max lag, origin spacing, fit start), > 0 and, in an input file,
// at most INT_MAX sampling intervals of any stage (the analyses count lags in int).
std::optional<double> window_ps(const Section& s, std::string_view key, const AnalysisContext& ctx,
                                std::int64_t every);

}  // namespace mdgpu
