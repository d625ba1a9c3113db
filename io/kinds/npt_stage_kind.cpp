// ensemble = "npt": the Nosé–Hoover chain of NVT plus a barostat, read from the stage's
// `barostat` table: MTK (kind = "mtk", the default) or stochastic cell rescaling ("c-rescale").
#include "io/kinds/barostat_reading.hpp"
#include "io/kinds/thermostat_reading.hpp"

namespace mdgpu {
namespace {

struct NptKind {
  using Spec = NptStage;
  static constexpr std::string_view ensemble = "npt";
  static constexpr std::string_view thermostat = "nose-hoover";
  static constexpr std::string_view method = "NPT (Nosé–Hoover)";
  static Words keys() {
    return {"temperature", "tdamp_fs", "tdamp_ps", "chain_length", "chain_substeps", "barostat"};
  }

  static Spec read(const Section& s, const StageKind& self, const StageSpec& stage) {
    Spec spec;
    spec.temperature = read_temperature(s);
    reject_keys_of_other_kinds(s, self);
    read_nose_hoover_chain(s, stage, spec);
    if (!s.has("barostat"))
      s.fail_missing("barostat", " (ensemble = \"npt\" needs barostat = { coupling, pressure, "
                                 "pdamp_ps })");
    const Section b = s.section("barostat", s.key_path("barostat"));
    b.allow({"kind", "coupling", "pressure", "pdamp_fs", "pdamp_ps", "axes", "chain_length",
             "tau_p_fs", "tau_p_ps", "compressibility", "seed"});
    BarostatSpec& baro = spec.barostat;
    baro.kind = b.choice("kind", {"mtk", "c-rescale"}, "mtk") == "c-rescale" ? BarostatKind::CRescale
                                                                              : BarostatKind::Mtk;
    baro.coupling = read_coupling(b);
    baro.pressure = read_pressure(b, baro.coupling);
    baro.axes = read_barostat_axes(b);
    if (baro.kind == BarostatKind::CRescale) {
      read_cell_rescaling(b, stage, baro);
      return spec;
    }
    b.reject({"tau_p_fs", "tau_p_ps", "compressibility", "seed"},
             "applies only to kind = \"c-rescale\" (this barostat is kind = \"mtk\")");
    // LAMMPS's advice: a cell period of about 1000 steps.
    baro.pdamp = time_ps(b, "pdamp").value_or(1000 * stage.timestep);
    baro.chain_length =
        static_cast<int>(b.integer("chain_length", 1, kMaxChainLength).value_or(baro.chain_length));
    return spec;
  }
  // Stochastic cell rescaling (engine/barostat_crescale.hpp): iso or aniso, a relaxation time,
  // the compressibility that sets its mobility, and a seed.
  static void read_cell_rescaling(const Section& b, const StageSpec& stage, BarostatSpec& baro) {
    b.reject({"pdamp_fs", "pdamp_ps", "chain_length"},
             "applies only to kind = \"mtk\" (this barostat is kind = \"c-rescale\": tau_p_ps, "
             "compressibility)");
    if (baro.coupling == Coupling::Tri)
      b.fail("coupling", "kind = \"c-rescale\" takes coupling = \"iso\" or \"aniso\"; a cell that "
                         "also shears needs kind = \"mtk\" with coupling = \"tri\"");
    // The paper's suggestion: τ_p of about a ps; 1000 steps as the MTK default.
    baro.tau_p = time_ps(b, "tau_p").value_or(1000 * stage.timestep);
    if (!b.has("compressibility"))
      b.fail_missing("compressibility", " (kind = \"c-rescale\": an estimate of the isothermal "
                                        "compressibility in 1/bar, e.g. 1e-4 for liquid argon, "
                                        "4.5e-5 for water, ~1e-6 for oxide glasses)");
    baro.compressibility = *b.number("compressibility", Rule::Positive);
    if (auto seed = b.integer("seed", 0)) baro.seed = static_cast<std::uint64_t>(*seed);
  }
  static std::string describe(const StageSpec& stage, const Spec& spec) {
    const BarostatSpec& b = spec.barostat;
    const PressureRamp& p = b.pressure;
    const std::string cell =
        b.kind == BarostatKind::CRescale
            ? fmt::format("c-rescale tau_p {} ps, compressibility {} 1/bar, seed {}", b.tau_p,
                          b.compressibility, b.seed)
            : fmt::format("mtk pdamp {} ps", b.pdamp);
    return describe_nose_hoover_chain(stage, spec) +
           fmt::format("  P {} bar{}, {} on {}, {}", fmt::join(p.start, " "),
                       p.start == p.stop ? "" : fmt::format(" -> {} bar", fmt::join(p.stop, " ")),
                       coupling_name(b.coupling), axes_name(b.axes), cell);
  }
  static std::string record(const StageSpec&, const Spec& spec) {
    const BarostatSpec& b = spec.barostat;
    const std::string cell =
        b.kind == BarostatKind::CRescale
            ? fmt::format("c-rescale tau_p {} ps, compressibility {}, seed {}", b.tau_p,
                          b.compressibility, b.seed)
            : fmt::format("pdamp {} ps, chain {}", b.pdamp, b.chain_length);
    return record_nose_hoover_chain(spec) +
           fmt::format(", barostat coupling {} axes {}{}{} {} -> {} bar, {}",
                       static_cast<int>(b.coupling), b.axes[0], b.axes[1], b.axes[2],
                       fmt::join(b.pressure.start, " "), fmt::join(b.pressure.stop, " "), cell);
  }
};

}  // namespace

StageKind npt_stage_kind() { return stage_kind<NptKind>(); }

}  // namespace mdgpu
