#include "io/candidates_config.hpp"

namespace mdgpu {

std::optional<CandidatesSpec> read_candidates(const Section& output, OutputPaths& paths,
                                              const PotentialSpec& potential) {
  if (!output.has("candidates")) return std::nullopt;
  const Section s = output.section("candidates", "output.candidates");
  s.allow({"path", "lower", "upper", "min_spacing", "stop_above"});
  if (!is_committee(potential))
    s.fail_here("[output.candidates] needs a committee of models (potential.committee) whose force deviation "
                "it thresholds");
  CandidatesSpec spec;
  spec.path = paths.claim(s, "path", "candidates.extxyz");
  spec.lower = s.required_number("lower", Rule::NonNegative);
  spec.upper = s.required_number("upper", Rule::Positive);
  if (!(spec.lower < spec.upper))
    s.fail(s.later("lower", "upper"),
           fmt::format("lower ({} eV/Å) must be below upper ({} eV/Å): a candidate has lower <= deviation < upper",
                       spec.lower, spec.upper));
  spec.min_spacing = s.integer("min_spacing", 0).value_or(0);
  spec.stop_above = s.boolean("stop_above").value_or(false);
  return spec;
}

}  // namespace mdgpu
