// potential.kind = "lj": Lennard-Jones pairs (model/pair_potential.hpp).
#include "io/kinds/pair_potential_reading.hpp"

namespace mdgpu {
namespace {

struct LennardJonesKind : PairPotentialKind<LennardJonesSpec> {
  static constexpr std::string_view name = "lj";
  static Spec read(const Section& s) {
    Spec spec;
    read_pair_potential(s, spec, {"epsilon", "sigma"}, [](const Section& pair, PairCoefficients& c) {
      c.epsilon = pair.required_number("epsilon", Rule::NonNegative);
      c.sigma = pair.required_number("sigma", Rule::Positive);
    });
    return spec;
  }
  static std::string record(const Spec& spec) {
    return record_pair_potential(spec, [](const PairCoefficients& c) {
      return fmt::format("epsilon {} sigma {}", c.epsilon, c.sigma);
    });
  }
};

}  // namespace

PotentialKind lennard_jones_potential_kind() { return potential_kind<LennardJonesKind>(); }

}  // namespace mdgpu
