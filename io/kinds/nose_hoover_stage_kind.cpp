// ensemble = "nvt", thermostat = "nose-hoover": a Nosé–Hoover chain.
#include "io/input_limits.hpp"
#include "io/kinds/thermostat_reading.hpp"

namespace mdgpu {

namespace {

struct NoseHooverKind {
  using Spec = NoseHooverStage;
  static constexpr std::string_view ensemble = "nvt";
  static constexpr std::string_view thermostat = "nose-hoover";
  static constexpr std::string_view method = "NVT (Nosé–Hoover chain)";
  static Words keys() {
    return {"temperature", "tdamp_fs", "tdamp_ps", "chain_length", "chain_substeps"};
  }

  static Spec read(const Section& s, const StageKind& self, const StageSpec& stage) {
    Spec spec;
    spec.temperature = read_temperature(s);
    reject_keys_of_other_kinds(s, self);
    // The chain's thermostat masses are proportional to the target temperature (as in LAMMPS,
    // which refuses 0 K for fix nvt too).
    if (spec.temperature.start <= 0 || spec.temperature.stop <= 0)
      s.fail("temperature",
             "Nose-Hoover needs a target temperature above 0 K; use thermostat = "
             "\"langevin\" to cool to 0 K");
    spec.tdamp = time_ps(s, "tdamp").value_or(100 * stage.timestep);
    spec.chain_length =
        static_cast<int>(s.integer("chain_length", 1, kMaxChainLength).value_or(spec.chain_length));
    spec.chain_substeps = static_cast<int>(
        s.integer("chain_substeps", 1, kMaxChainSubsteps).value_or(spec.chain_substeps));
    return spec;
  }
  static std::string describe(const StageSpec& stage, const Spec& spec) {
    return describe_temperature(spec.temperature, stage) +
           fmt::format("  tdamp {} ps, chain {}", spec.tdamp, spec.chain_length);
  }
  static std::string record(const StageSpec&, const Spec& spec) {
    return fmt::format(", nose-hoover {} -> {} K, tdamp {} ps, chain {} x {}",
                       spec.temperature.start, spec.temperature.stop, spec.tdamp,
                       spec.chain_length, spec.chain_substeps);
  }
};

}  // namespace

StageKind nose_hoover_stage_kind() { return stage_kind<NoseHooverKind>(); }

}  // namespace mdgpu
