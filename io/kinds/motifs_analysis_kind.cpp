// [analysis.motifs] / `mdgpu analyze motifs`: phosphate units and nitrogen sites of LiPON
// (analysis/motifs.cpp).
#include <algorithm>

#include "io/analysis_kinds.hpp"
#include "io/toml_section.hpp"

namespace mdgpu {
namespace {

struct MotifsKind {
  using Spec = MotifSpec;
  static constexpr std::string_view name = "motifs";
  static constexpr std::int64_t every = 100;
  static constexpr bool unwrapped = false;
  static Words keys() { return {"p_o_cutoff", "p_n_cutoff"}; }
  static Words outputs() { return {".csv", ".h5"}; }

  static void read(const Section& s, const AnalysisContext&, Spec& spec) {
    spec.p_o_cutoff = s.number("p_o_cutoff", Rule::Positive).value_or(spec.p_o_cutoff);
    spec.p_n_cutoff = s.number("p_n_cutoff", Rule::Positive).value_or(spec.p_n_cutoff);
  }
  static AnalysisPairList pair_list(const Spec& spec) {
    return {std::max(spec.p_o_cutoff, spec.p_n_cutoff),
            spec.p_o_cutoff > spec.p_n_cutoff ? "p_o_cutoff" : "p_n_cutoff",
            "the motif counter's pair list"};
  }
};

}  // namespace

AnalysisKind motifs_analysis_kind() { return analysis_kind<MotifsKind>(); }

}  // namespace mdgpu
