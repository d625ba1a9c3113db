// potential.kind = "lj": Lennard-Jones pairs (model/pair_potential.hpp).
#include "io/kinds/pair_potential_reading.hpp"
#include "model/pair_potential.hpp"

namespace mdgpu {
namespace {

struct LennardJonesKind {
  using Spec = LennardJonesSpec;
  static constexpr std::string_view name = "lj";
  static constexpr std::string_view foreign_key_note = "";
  static constexpr std::string_view cutoff_key = "potential.cutoff";
  static constexpr double bytes_per_pair = 0.0;
  static Words keys() { return pair_potential_keys(); }

  static Spec read(const Section& s) {
    Spec spec;
    read_pair_potential(s, spec, {"epsilon", "sigma"}, [](const Section& pair, PairCoefficients& c) {
      c.epsilon = pair.required_number("epsilon", Rule::NonNegative);
      c.sigma = pair.required_number("sigma", Rule::Positive);
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

PotentialKind lennard_jones_potential_kind() { return potential_kind<LennardJonesKind>(); }

}  // namespace mdgpu
