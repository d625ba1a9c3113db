#include "io/potential_kinds.hpp"

#include <algorithm>
#include <stdexcept>

#include "io/file_digest.hpp"
#include "io/toml_section.hpp"

namespace mdgpu {

// Each defined in io/kinds/<kind>_potential_kind.cpp.
PotentialKind lennard_jones_potential_kind();
PotentialKind morse_potential_kind();
PotentialKind nequip_potential_kind();

const std::vector<PotentialKind>& potential_kinds() {
  static const std::vector<PotentialKind> kinds{
      lennard_jones_potential_kind(),
      morse_potential_kind(),
      nequip_potential_kind(),
  };
  return kinds;
}

const PotentialKind& kind_of(const PotentialSpec& spec) {
  for (const PotentialKind& kind : potential_kinds())
    if (kind.holds(spec)) return kind;
  throw std::logic_error("kind_of: a PotentialSpec alternative has no entry in potential_kinds()");
}

namespace {

// The kinds that read `key`.
Words kinds_reading(std::string_view key) {
  Words names;
  for (const PotentialKind& kind : potential_kinds())
    if (std::find(kind.keys.begin(), kind.keys.end(), key) != kind.keys.end())
      names.push_back(kind.name);
  return names;
}

}  // namespace

PotentialSpec read_potential(const Section& root) {
  const Section s = root.section("potential", "[potential]");
  Words keys{"kind"}, names;
  for (const PotentialKind& kind : potential_kinds()) {
    names.push_back(kind.name);
    for (std::string_view key : kind.keys)
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  s.allow(keys);
  const std::string name = s.choice("kind", names, std::nullopt);
  const PotentialKind& kind = *std::find_if(potential_kinds().begin(), potential_kinds().end(),
                                            [&](const PotentialKind& k) { return k.name == name; });
  for (std::string_view key : keys)
    if (key != "kind" && s.has(key) &&
        std::find(kind.keys.begin(), kind.keys.end(), key) == kind.keys.end())
      s.fail(key, fmt::format("'{}' applies only to kind = {}{}", key, either(kinds_reading(key)),
                              kind.foreign_key_note));
  return kind.read(s);
}

std::string potential_record(const PotentialSpec& spec) {
  const PotentialKind& kind = kind_of(spec);
  std::string record = std::string(kind.name) + kind.record(spec);
  for (const NamedPath& file : kind.input_files(spec)) record += fmt::format("; {} {}", file.role, file_digest(file.path));
  return record;
}

std::unique_ptr<Potential> make_potential(const PotentialSpec& spec, const System& system,
                                          Backend& backend) {
  return kind_of(spec).make(spec, system, backend);
}

}  // namespace mdgpu
