// [analysis.msd] / `mdgpu analyze msd`: mean-square displacements, diffusivities and the
// Nernst–Einstein conductivity (analysis/msd_analysis.cpp).
#include "io/kinds/analysis_reading.hpp"

namespace mdgpu {
namespace {

// slabs = { axis = "c", edges_angstrom = [...] } or { edges_fractional = [...] }.
SlabSpec read_slabs(const Section& s) {
  s.allow({"axis", "edges_angstrom", "edges_fractional"});
  s.choice("axis", {"c"}, "c");
  if (s.has("edges_angstrom") && s.has("edges_fractional"))
    s.fail(s.later("edges_angstrom", "edges_fractional"),
           "give either edges_angstrom or edges_fractional, not both");
  SlabSpec slabs;
  slabs.fractional = s.has("edges_fractional");
  const auto edges = number_list(s, slabs.fractional ? "edges_fractional" : "edges_angstrom");
  if (!edges) s.fail_here("missing slab edges: give edges_angstrom or edges_fractional");
  slabs.edges = *edges;
  return slabs;
}

struct MsdKind {
  using Spec = MsdSpec;
  static constexpr std::string_view name = "msd";
  static constexpr std::int64_t every = 10;
  static constexpr bool unwrapped = true;  // displacements span periodic images
  static Words keys() {
    return {"species",      "max_lag_ps",  "origin_every_ps", "blocks",
            "slabs",        "remove_drift", "framework",      "nn_distance",
            "fit_start_ps", "temperature", "charges"};
  }
  static Words outputs() { return {".csv", ".h5", "_D.csv"}; }

  static void read(const Section& s, const AnalysisContext& ctx, Spec& m) {
    m.species = species_list(s, "species");
    m.max_lag = window_ps(s, "max_lag_ps", ctx, m.common.every);
    m.origin_every = window_ps(s, "origin_every_ps", ctx, m.common.every);
    m.blocks = static_cast<int>(s.integer("blocks", 2, 1000).value_or(m.blocks));
    if (s.has("slabs")) m.slabs = read_slabs(s.section("slabs", s.key_path("slabs")));
    m.remove_drift = s.boolean("remove_drift").value_or(false);
    if (!m.remove_drift) s.reject({"framework"}, "applies only with remove_drift = true");
    m.framework = species_list(s, "framework");
    m.nn_distance = s.number("nn_distance", Rule::Positive);
    m.fit_start = window_ps(s, "fit_start_ps", ctx, m.common.every);
    m.temperature = s.number("temperature", Rule::Positive);
    const Section charges = s.section("charges", s.key_path("charges"));
    for (auto&& [key, value] : charges.table()) {
      const std::string symbol(key.str());
      check_element(charges, symbol, symbol);
      m.charges[symbol] = *charges.number(symbol);
    }
  }
  static AnalysisPairList pair_list(const Spec&) { return {}; }  // none
};

}  // namespace

AnalysisKind msd_analysis_kind() { return analysis_kind<MsdKind>(); }

}  // namespace mdgpu
