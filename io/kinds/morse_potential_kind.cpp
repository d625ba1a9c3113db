// potential.kind = "morse": Morse pairs (model/pair_potential.hpp).
#include "io/kinds/pair_potential_reading.hpp"

namespace mdgpu {
namespace {

struct MorseKind : PairPotentialKind<MorseSpec> {
  static constexpr std::string_view name = "morse";
  static Spec read(const Section& s) {
    Spec spec;
    read_pair_potential(s, spec, {"d0", "alpha", "r0"}, [](const Section& pair, PairCoefficients& c) {
      c.d0 = pair.required_number("d0", Rule::NonNegative);
      c.alpha = pair.required_number("alpha", Rule::Positive);
      c.r0 = pair.required_number("r0", Rule::Positive);
    });
    return spec;
  }
  static std::string record(const Spec& spec) {
    return record_pair_potential(spec, [](const PairCoefficients& c) {
      return fmt::format("d0 {} alpha {} r0 {}", c.d0, c.alpha, c.r0);
    });
  }
};

}  // namespace

PotentialKind morse_potential_kind() { return potential_kind<MorseKind>(); }

}  // namespace mdgpu
