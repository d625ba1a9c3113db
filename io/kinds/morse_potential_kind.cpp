// potential.kind = "morse": Morse pairs (model/pair_potential.hpp).
#include "io/kinds/pair_potential_reading.hpp"
#include "model/pair_potential.hpp"

namespace mdgpu {
namespace {

struct MorseKind {
  using Spec = MorseSpec;
  static constexpr std::string_view name = "morse";
  static constexpr std::string_view foreign_key_note = "";
  static constexpr std::string_view cutoff_key = "potential.cutoff";
  static constexpr double bytes_per_pair = 0.0;
  static Words keys() { return pair_potential_keys(); }

  static Spec read(const Section& s) {
    Spec spec;
    read_pair_potential(s, spec, {"d0", "alpha", "r0"}, [](const Section& pair, PairCoefficients& c) {
      c.d0 = pair.required_number("d0", Rule::NonNegative);
      c.alpha = pair.required_number("alpha", Rule::Positive);
      c.r0 = pair.required_number("r0", Rule::Positive);
    });
    return spec;
  }
  static std::string describe(const Spec& spec) { return describe_pair_potential(spec); }
  static std::vector<NamedPath> input_files(const Spec&) { return {}; }
  static std::unique_ptr<Potential> make(const Spec& spec, const System& system, Backend& backend) {
    return std::make_unique<PairPotential>(spec, system, backend);
  }
};

}  // namespace

PotentialKind morse_potential_kind() { return potential_kind<MorseKind>(); }

}  // namespace mdgpu
