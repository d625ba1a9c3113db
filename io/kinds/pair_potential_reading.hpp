// What the pair-potential kinds (lj, morse) share: the keys of [potential], the pairs table with
// its species checks, the dry-run line. Each kind reads only its own coefficients.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/potential_kinds.hpp"
#include "io/toml_section.hpp"
#include "model/pair_potential.hpp"

namespace mdgpu {

Words pair_potential_keys();  // cutoff, shift, newton, pairs

// `coefficient_keys` are the kind's keys of each pairs entry; `read_coefficients` reads them.
void read_pair_potential(const Section& s, PairPotentialSpec& spec, const Words& coefficient_keys,
                         void (*read_coefficients)(const Section& pair, PairCoefficients& c));

std::string describe_pair_potential(const PairPotentialSpec& spec);
// The checkpoint's record: the shared settings, then each pair with its own cut-off (when it has
// one) and the kind's coefficients as `coefficients` writes them.
std::string record_pair_potential(const PairPotentialSpec& spec, std::string (*coefficients)(const PairCoefficients&));

// The statics the pair kinds share (see potential_kind<K>); a kind adds its `name`, `read` and `record`.
template <class S>
struct PairPotentialKind {
  using Spec = S;
  static constexpr std::string_view foreign_key_note = "";
  static constexpr std::string_view cutoff_key = "potential.cutoff";
  static constexpr double bytes_per_pair = 0.0;
  static Words keys() { return pair_potential_keys(); }
  static std::string describe(const Spec& spec) { return describe_pair_potential(spec); }
  static std::vector<NamedPath> input_files(const Spec&) { return {}; }
  static std::unique_ptr<Potential> make(const Spec& spec, const System& system, Backend& backend) {
    return std::make_unique<PairPotential>(spec, system, backend);
  }
};

}  // namespace mdgpu
