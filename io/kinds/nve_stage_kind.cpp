// ensemble = "nve": velocity Verlet at constant energy. The smallest stage kind, and the worked
// example of docs/adding_a_kind.md.
#include "io/stage_kinds.hpp"
#include "io/toml_section.hpp"

namespace mdgpu {
namespace {

struct NveKind {
  using Spec = NveStage;
  static constexpr std::string_view ensemble = "nve";
  static constexpr std::string_view thermostat = "";
  static constexpr std::string_view method = "NVE (velocity Verlet)";
  static Words keys() { return {}; }

  static Spec read(const Section& s, const StageKind& self, const StageSpec&) {
    reject_keys_of_other_kinds(s, self);
    return {};
  }
  static std::string describe(const StageSpec&, const Spec&) { return ""; }
  static std::string record(const StageSpec&, const Spec&) { return ""; }
};

}  // namespace

StageKind nve_stage_kind() { return stage_kind<NveKind>(); }

}  // namespace mdgpu
