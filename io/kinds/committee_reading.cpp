#include "io/kinds/committee_reading.hpp"

#include "model/committee_potential.hpp"
#include "model/nequip_model.hpp"
#include "model/nequip_potential.hpp"

namespace mdgpu {

void read_committee(const Section& s, NequipSpec& spec) {
  if (!s.has("committee")) {
    s.reject({"drive", "every"}, "applies only with potential.committee");
    return;
  }
  if (s.has("model"))
    s.fail(s.later("model", "committee"), "give either 'model' (one model) or 'committee' (several), not both");
  const toml::node* n = s.node("committee");
  const toml::array* members = n->as_array();
  if (!members || members->empty())
    s.fail("committee", fmt::format("expected a non-empty array of model files, got {}", got(*n)));
  std::vector<std::string> first_species;
  for (std::size_t k = 0; k < members->size(); ++k) {
    const toml::node& member = (*members)[k];
    const std::string at =
        where(s.source(), member.source().begin.line, fmt::format("{}[{}]", s.key_path("committee"), k + 1));
    if (!member.is_string() || member.as_string()->get().empty())
      throw InputError(at, fmt::format("expected a model file name, got {}", got(member)));
    const auto path = std::filesystem::absolute(s.source().dir / member.as_string()->get()).lexically_normal();
    check_regular_file(path, at, "file");
    // Members must stand for the same system: the same species, as the first names them.
    std::vector<std::string> species;
    try {
      species = NequipModel::load(path.string()).type_names;
    } catch (const InputError& e) {
      throw InputError(at, e.what());
    }
    if (k == 0) first_species = species;
    else if (species != first_species)
      throw InputError(at, fmt::format("the member's species ({}) differ from the first member's ({})",
                                       fmt::join(species, " "), fmt::join(first_species, " ")));
    spec.committee.push_back(path);
  }
  spec.drive_mean = s.choice("drive", {"mean", "first"}, "mean") == "mean";
  spec.every = s.integer("every", 1).value_or(1);
}

std::unique_ptr<Potential> make_committee(const NequipSpec& spec, const System& system, Backend& backend) {
  std::vector<std::unique_ptr<Potential>> members;
  for (const auto& path : spec.committee)
    members.push_back(std::make_unique<NequipPotential>(path.string(), spec.precision, system, backend));
  return std::make_unique<CommitteePotential>(std::move(members), spec.drive_mean, backend);
}

}  // namespace mdgpu
