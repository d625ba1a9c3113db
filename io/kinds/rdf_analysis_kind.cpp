// [analysis.rdf] / `mdgpu analyze rdf`: radial distribution functions (analysis/rdf.cpp). The
// smallest analysis kind, and the worked example of docs/adding_a_kind.md.
#include "io/analysis_kinds.hpp"
#include "io/toml_section.hpp"

namespace mdgpu {
namespace {

struct RdfKind {
  using Spec = RdfSpec;
  static constexpr std::string_view name = "rdf";
  static constexpr std::int64_t every = 100;
  static constexpr bool unwrapped = false;
  static Words keys() { return {"r_max", "bins"}; }
  static Words outputs() { return {".csv", ".h5"}; }

  static void read(const Section& s, const AnalysisContext&, Spec& spec) {
    spec.r_max = s.number("r_max", Rule::Positive).value_or(spec.r_max);
    spec.bins = static_cast<int>(s.integer("bins", 1, 1000000).value_or(spec.bins));
  }
  static AnalysisPairList pair_list(const Spec& spec) {
    return {spec.r_max, "r_max", "the RDF's pair list"};
  }
};

}  // namespace

AnalysisKind rdf_analysis_kind() { return analysis_kind<RdfKind>(); }

}  // namespace mdgpu
