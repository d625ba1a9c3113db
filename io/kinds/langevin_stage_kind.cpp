// ensemble = "nvt", thermostat = "langevin": Langevin dynamics (BAOAB).
#include "io/kinds/thermostat_reading.hpp"

namespace mdgpu {

namespace {

struct LangevinKind {
  using Spec = LangevinStage;
  static constexpr std::string_view ensemble = "nvt";
  static constexpr std::string_view thermostat = "langevin";
  static constexpr std::string_view method = "NVT (Langevin BAOAB)";
  static Words keys() { return {"temperature", "friction_fs", "friction_ps", "seed"}; }

  static Spec read(const Section& s, const StageKind& self, const StageSpec& stage) {
    Spec spec;
    spec.temperature = read_temperature(s);
    reject_keys_of_other_kinds(s, self);
    spec.friction_time = time_ps(s, "friction").value_or(100 * stage.timestep);
    if (auto seed = s.integer("seed", 0)) spec.seed = static_cast<std::uint64_t>(*seed);
    return spec;
  }
  static std::string describe(const StageSpec& stage, const Spec& spec) {
    return describe_temperature(spec.temperature, stage) +
           fmt::format("  friction time {} ps, seed {}", spec.friction_time, spec.seed);
  }
  static std::string record(const StageSpec&, const Spec& spec) {
    return fmt::format(", langevin {} -> {} K, friction time {} ps, seed {}",
                       spec.temperature.start, spec.temperature.stop, spec.friction_time,
                       spec.seed);
  }
};

}  // namespace

StageKind langevin_stage_kind() { return stage_kind<LangevinKind>(); }

}  // namespace mdgpu
