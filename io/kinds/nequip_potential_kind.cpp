// potential.kind = "nequip": a NequIP-family model file (model/nequip_potential.hpp), or a committee
// of them (io/kinds/committee_reading.hpp). The smallest kind, and the worked example of
// docs/adding_a_kind.md.
#include "io/kinds/committee_reading.hpp"
#include "io/potential_kinds.hpp"
#include "io/toml_section.hpp"
#include "model/nequip_potential.hpp"

namespace mdgpu {
namespace {

struct NequipKind {
  using Spec = NequipSpec;
  static constexpr std::string_view name = "nequip";
  static constexpr std::string_view foreign_key_note = " (a NequIP model carries its own cut-off)";
  static constexpr std::string_view cutoff_key = "potential.model";
  // Per-edge arrays besides the list: at least the centre, neighbour, image and reverse-edge
  // indices and the edge vector.
  static constexpr double bytes_per_pair = 40.0;
  static Words keys() { return {"model", "precision", "committee", "drive", "every"}; }

  static Spec read(const Section& s) {
    Spec spec;
    read_committee(s, spec);
    if (spec.committee.empty()) spec.model = s.existing_file("model");
    spec.precision = s.choice("precision", {"float32", "float64"}, "float32");
    return spec;
  }
  static std::string describe(const Spec& spec) {
    if (spec.committee.empty()) return fmt::format(", model {} ({})", spec.model.string(), spec.precision);
    std::vector<std::string> files;
    for (const auto& p : spec.committee) files.push_back(p.string());
    return fmt::format(", committee {} ({}), driven by {}, spread at least every {} steps", fmt::join(files, ", "),
                       spec.precision, spec.drive_mean ? "the mean" : "the first", spec.every);
  }
  static std::string record(const Spec& spec) {
    if (spec.committee.empty()) return ", " + spec.precision;
    return fmt::format(", {}, driven by {}", spec.precision, spec.drive_mean ? "the mean" : "the first");
  }
  static std::vector<NamedPath> input_files(const Spec& spec) {
    if (spec.committee.empty()) return {{spec.model, "model file"}};
    std::vector<NamedPath> files;
    for (const auto& p : spec.committee) files.push_back({p, "committee model file"});
    return files;
  }
  static std::unique_ptr<Potential> make(const Spec& spec, const System& system, Backend& backend) {
    if (!spec.committee.empty()) return make_committee(spec, system, backend);
    return std::make_unique<NequipPotential>(spec.model.string(), spec.precision, system, backend);
  }
};

}  // namespace

PotentialKind nequip_potential_kind() { return potential_kind<NequipKind>(); }

}  // namespace mdgpu
