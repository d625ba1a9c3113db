// [analysis.vdos] / `mdgpu analyze vdos`: velocity autocorrelation per species and the
// vibrational density of states (analysis/vdos_analysis.cpp).
#include "io/kinds/analysis_reading.hpp"

namespace mdgpu {
namespace {

struct VdosKind {
  using Spec = VdosSpec;
  static constexpr std::string_view name = "vdos";
  static constexpr std::int64_t every = 5;
  static constexpr bool unwrapped = false;
  static Words keys() { return {"species", "max_lag_ps", "origin_every_ps"}; }
  static Words outputs() { return {".csv", ".h5", "_vacf.csv"}; }

  static void read(const Section& s, const AnalysisContext& ctx, Spec& spec) {
    spec.species = species_list(s, "species");
    spec.max_lag = window_ps(s, "max_lag_ps", ctx, spec.common.every);
    spec.origin_every = window_ps(s, "origin_every_ps", ctx, spec.common.every);
  }
  static AnalysisPairList pair_list(const Spec&) { return {}; }  // none
};

}  // namespace

AnalysisKind vdos_analysis_kind() { return analysis_kind<VdosKind>(); }

}  // namespace mdgpu
