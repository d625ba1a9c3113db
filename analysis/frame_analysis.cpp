#include "analysis/frame_analysis.hpp"

#include <algorithm>
#include <climits>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/errors.hpp"

namespace mdgpu {

int Stretch::intervals(double ps, Rounding rounding) const {
  const double count = ps / sample_interval;
  const double cap = static_cast<double>(std::min<std::int64_t>(samples, INT_MAX));
  if (!(count < cap)) return static_cast<int>(cap);
  // A time within 1e-9 of an interval above a whole one rounds up to that one, not past it.
  return static_cast<int>(rounding == Rounding::Up ? std::ceil(count - 1e-9) : std::round(count));
}

std::unique_ptr<FrameAnalysis> make_analysis(const AnalysisSpec& spec, const System& system,
                                             const Stretch& stretch) {
  return std::visit([&](const auto& s) { return analysis_for(s, system, stretch); }, spec);
}

int species_type(const System& system, const std::string& symbol, const std::string& where) {
  const auto it = std::find(system.species.begin(), system.species.end(), symbol);
  if (it == system.species.end())
    throw InputError(where, fmt::format("species '{}' is not in the structure (it has {})", symbol,
                                        fmt::join(system.species, ", ")));
  return static_cast<int>(it - system.species.begin());
}

}  // namespace mdgpu
