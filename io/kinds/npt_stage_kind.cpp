// ensemble = "npt": the Nosé–Hoover chain of NVT plus an MTK barostat, read from the stage's
// `barostat` table.
#include "io/kinds/barostat_reading.hpp"
#include "io/kinds/thermostat_reading.hpp"

namespace mdgpu {
namespace {

struct NptKind {
  using Spec = NptStage;
  static constexpr std::string_view ensemble = "npt";
  static constexpr std::string_view thermostat = "nose-hoover";
  static constexpr std::string_view method = "NPT (MTK, Nosé–Hoover)";
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
    b.allow({"coupling", "pressure", "pdamp_fs", "pdamp_ps", "axes", "chain_length"});
    BarostatSpec& baro = spec.barostat;
    baro.coupling = read_coupling(b);
    baro.pressure = read_pressure(b, baro.coupling);
    baro.axes = read_barostat_axes(b);
    // LAMMPS's advice: a cell period of about 1000 steps.
    baro.pdamp = time_ps(b, "pdamp").value_or(1000 * stage.timestep);
    baro.chain_length =
        static_cast<int>(b.integer("chain_length", 1, kMaxChainLength).value_or(baro.chain_length));
    return spec;
  }
  static std::string describe(const StageSpec& stage, const Spec& spec) {
    const BarostatSpec& b = spec.barostat;
    const PressureRamp& p = b.pressure;
    return describe_nose_hoover_chain(stage, spec) +
           fmt::format("  P {} bar{}, {} on {}, pdamp {} ps", fmt::join(p.start, " "),
                       p.start == p.stop ? "" : fmt::format(" -> {} bar", fmt::join(p.stop, " ")),
                       coupling_name(b.coupling), axes_name(b.axes), b.pdamp);
  }
  static std::string record(const StageSpec&, const Spec& spec) {
    const BarostatSpec& b = spec.barostat;
    return record_nose_hoover_chain(spec) +
           fmt::format(", barostat coupling {} axes {}{}{} {} -> {} bar, pdamp {} ps, chain {}",
                       static_cast<int>(b.coupling), b.axes[0], b.axes[1], b.axes[2],
                       fmt::join(b.pressure.start, " "), fmt::join(b.pressure.stop, " "), b.pdamp,
                       b.chain_length);
  }
};

}  // namespace

StageKind npt_stage_kind() { return stage_kind<NptKind>(); }

}  // namespace mdgpu
