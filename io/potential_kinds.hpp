// The potential kinds an input file may name, each one entry of a registry: the keys it reads from
// [potential], its reader, its line of the `--dry-run` description and its factory. A kind's entry
// lives in one file of io/kinds/ (the layer that sees both TOML and the model) and is listed in
// io/potential_kinds.cpp; docs/adding_a_kind.md walks through adding one.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/system.hpp"
#include "io/output_paths.hpp"
#include "kernels/backend.hpp"
#include "model/potential.hpp"
#include "model/potential_spec.hpp"

namespace mdgpu {

class Section;  // io/toml_section.hpp

struct PotentialKind {
  std::string_view name;               // potential.kind = "<name>"
  std::vector<std::string_view> keys;  // its keys of [potential], besides `kind`
  std::string_view foreign_key_note;   // appended to "'key' applies only to kind = ..." when
                                       // another kind's key is given with this kind
  std::string_view cutoff_key;         // the key that sets the interaction range, for messages
  double bytes_per_pair;               // what an evaluation keeps per listed pair, beyond the list
                                       // (the memory estimate's lower bound)
  bool (*holds)(const PotentialSpec&);
  // Reads [potential]; the keys of other kinds have been rejected already.
  PotentialSpec (*read)(const Section&);
  std::string (*describe)(const PotentialSpec&);  // the dry run's line after "potential <name>"
  // Every setting that changes the forces, with round-trip numbers (equal text, equal settings),
  // for the checkpoint's record; the input files' contents are added to it (potential_record).
  std::string (*record)(const PotentialSpec&);
  std::vector<NamedPath> (*input_files)(const PotentialSpec&);  // e.g. the model file
  std::unique_ptr<Potential> (*make)(const PotentialSpec&, const System&, Backend&);
};

// Every kind, in the order messages list them.
const std::vector<PotentialKind>& potential_kinds();
const PotentialKind& kind_of(const PotentialSpec& spec);

// The [potential] table of an input file: `kind`, then that kind's keys.
PotentialSpec read_potential(const Section& root);

// What a checkpoint remembers of the potential, so that a restart with another one is refused:
// the kind, its record and the digest of each input file (io/file_digest.hpp), not its path.
std::string potential_record(const PotentialSpec& spec);

// Throws InputError when `system` does not fit the potential (a species without coefficients).
std::unique_ptr<Potential> make_potential(const PotentialSpec& spec, const System& system,
                                          Backend& backend);

// The entry of a kind written as a struct K of statics: `using Spec` (its PotentialSpec
// alternative), `name`, `foreign_key_note`, `cutoff_key`, `bytes_per_pair`, `keys()`, and typed `read`, `describe`, `record`,
// `input_files` and `make`; see io/kinds/nequip_potential_kind.cpp.
template <class K>
PotentialKind potential_kind() {
  using Spec = typename K::Spec;
  return {K::name,
          K::keys(),
          K::foreign_key_note,
          K::cutoff_key,
          K::bytes_per_pair,
          [](const PotentialSpec& p) { return std::holds_alternative<Spec>(p); },
          [](const Section& s) -> PotentialSpec { return K::read(s); },
          [](const PotentialSpec& p) { return K::describe(std::get<Spec>(p)); },
          [](const PotentialSpec& p) { return K::record(std::get<Spec>(p)); },
          [](const PotentialSpec& p) { return K::input_files(std::get<Spec>(p)); },
          [](const PotentialSpec& p, const System& system, Backend& backend) {
            return K::make(std::get<Spec>(p), system, backend);
          }};
}

}  // namespace mdgpu
