// ensemble = "nvt", thermostat = "nose-hoover": a Nosé–Hoover chain.
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
    read_nose_hoover_chain(s, stage, spec);
    return spec;
  }
  static std::string describe(const StageSpec& stage, const Spec& spec) {
    return describe_nose_hoover_chain(stage, spec);
  }
  static std::string record(const StageSpec&, const Spec& spec) {
    return record_nose_hoover_chain(spec);
  }
};

}  // namespace

StageKind nose_hoover_stage_kind() { return stage_kind<NoseHooverKind>(); }

}  // namespace mdgpu
