// [analysis.profile] / `mdgpu analyze profile`: densities along c and one species' neighbour
// count and bond length per slice (analysis/profile.cpp).
#include "io/analysis_kinds.hpp"
#include "io/toml_section.hpp"

namespace mdgpu {
namespace {

struct ProfileKind {
  using Spec = ProfileSpec;
  static constexpr std::string_view name = "profile";
  static constexpr std::int64_t every = 100;
  static constexpr bool unwrapped = false;
  static Words keys() { return {"bins", "species", "cutoff"}; }
  static Words outputs() { return {".csv", ".h5"}; }

  static void read(const Section& s, const AnalysisContext&, Spec& spec) {
    spec.bins = static_cast<int>(s.integer("bins", 1, 1000000).value_or(spec.bins));
    spec.species = s.string("species").value_or(spec.species);
    check_element(s, "species", spec.species);
    spec.cutoff = s.number("cutoff", Rule::Positive).value_or(spec.cutoff);
  }
  static AnalysisPairList pair_list(const Spec& spec) {
    return {spec.cutoff, "cutoff", "the profile's pair list"};
  }
};

}  // namespace

AnalysisKind profile_analysis_kind() { return analysis_kind<ProfileKind>(); }

}  // namespace mdgpu
