// The stage kinds an input file may ask for in a [[stage]] table, each one entry of a registry:
// which `ensemble` (and `thermostat`) selects it, the keys it reads, its reader, its lines of the
// `--dry-run` description and of the checkpoint's record. A kind's entry lives in one file of
// io/kinds/ and is listed in io/stage_kinds.cpp; its spec struct is an alternative of
// StageKindSpec (engine/md_plan.hpp) and its integrator an overload of integrator_for
// (engine/integrators.cpp). docs/adding_a_kind.md walks through adding one.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "engine/md_plan.hpp"

namespace mdgpu {

class Section;  // io/toml_section.hpp

struct StageKind {
  std::string_view ensemble;    // ensemble = "<ensemble>"
  std::string_view thermostat;  // thermostat = "<thermostat>" within the ensemble; empty for an
                                // ensemble without thermostats. An ensemble's first kind listed
                                // is its default.
  std::vector<std::string_view> keys;  // its keys of [[stage]] besides name, ensemble,
                                       // thermostat, the time step and the length
  std::string_view method;             // the dry run's name of it: "NVE (velocity Verlet)"
  bool timed;  // false for a kind that counts iterations (a minimisation): no time step, and
               // its length is `steps` alone
  bool (*holds)(const StageSpec&);
  // Fills stage.kind from the table; name, time step and length are read. It calls
  // reject_keys_of_other_kinds(table, self) where that check belongs among its own.
  void (*read)(const Section& table, const StageKind& self, StageSpec& stage);
  std::string (*describe)(const StageSpec&);  // the dry run's line after the stage's length
  std::string (*record)(const StageSpec&);    // its settings in the checkpoint's stage record
};

// Every kind, in the order messages list them.
const std::vector<StageKind>& stage_kinds();
const StageKind& kind_of(const StageSpec& stage);

// The [[stage]] tables of an input file, at least one.
std::vector<StageSpec> read_stages(const Section& root);

// Fails on the first key of `s` that only other kinds read, naming the ensemble or thermostat
// it applies to.
void reject_keys_of_other_kinds(const Section& s, const StageKind& kind);

// The entry of a kind written as a struct K of statics: `using Spec` (its StageKindSpec
// alternative), `ensemble`, `thermostat`, `method`, `keys()`, optionally `timed = false`, and typed `read(const Section&,
// const StageKind& self, const StageSpec&)` returning the Spec, `describe` and `record` of (const StageSpec&, const Spec&);
// see io/kinds/nve_stage_kind.cpp.
namespace detail {
template <class K, class = void>
struct timed : std::true_type {};
template <class K>
struct timed<K, std::void_t<decltype(K::timed)>> : std::bool_constant<K::timed> {};
}  // namespace detail

template <class K>
StageKind stage_kind() {
  using Spec = typename K::Spec;
  return {K::ensemble,
          K::thermostat,
          K::keys(),
          K::method,
          detail::timed<K>::value,
          [](const StageSpec& s) { return std::holds_alternative<Spec>(s.kind); },
          [](const Section& table, const StageKind& self, StageSpec& s) {
            s.kind = K::read(table, self, s);
          },
          [](const StageSpec& s) { return K::describe(s, std::get<Spec>(s.kind)); },
          [](const StageSpec& s) { return K::record(s, std::get<Spec>(s.kind)); }};
}

}  // namespace mdgpu
