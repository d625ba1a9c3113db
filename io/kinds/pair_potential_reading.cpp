#include "io/kinds/pair_potential_reading.hpp"

#include <map>
#include <utility>

namespace mdgpu {
namespace {

std::pair<std::string, std::string> read_species_pair(const Section& pair) {
  const toml::node* n = pair.node("species");
  if (!n) pair.fail_missing("species", " (two chemical symbols, e.g. species = [\"Li\", \"O\"])");
  const toml::array* a = n->as_array();
  if (!a || a->size() != 2 || !(*a)[0].is_string() || !(*a)[1].is_string())
    pair.fail(
        "species",
        fmt::format("expected two chemical symbols such as [\"Li\", \"O\"], got {}", got(*n)));
  std::pair<std::string, std::string> species{(*a)[0].as_string()->get(),
                                              (*a)[1].as_string()->get()};
  check_element(pair, "species", species.first);
  check_element(pair, "species", species.second);
  return species;
}

}  // namespace

Words pair_potential_keys() { return {"cutoff", "shift", "newton", "pairs"}; }

void read_pair_potential(const Section& s, PairPotentialSpec& spec, const Words& coefficient_keys,
                         void (*read_coefficients)(const Section& pair, PairCoefficients& c)) {
  spec.cutoff = s.required_number("cutoff", Rule::Positive);
  spec.shift = s.boolean("shift").value_or(spec.shift);
  spec.newton = s.boolean("newton").value_or(spec.newton);
  if (!s.has("pairs")) s.fail_missing("pairs", " (coefficients for each pair of species)");
  Words pair_keys{"species"};
  pair_keys.insert(pair_keys.end(), coefficient_keys.begin(), coefficient_keys.end());
  pair_keys.push_back("cutoff");
  std::map<std::pair<std::string, std::string>, std::uint32_t> seen;  // sorted species -> line
  const auto pairs = s.array_of_tables(
      "pairs", [](std::size_t i) { return fmt::format("potential.pairs[{}]", i); });
  for (const Section& pair : pairs) {
    pair.allow(pair_keys);
    PairCoefficients c;
    std::tie(c.species_a, c.species_b) = read_species_pair(pair);
    read_coefficients(pair, c);
    // The neighbour list is built with the global cut-off, so a longer pair cut-off would be
    // silently truncated.
    c.cutoff = pair.number("cutoff", Rule::Positive).value_or(0.0);
    if (c.cutoff > spec.cutoff)
      pair.fail("cutoff",
                fmt::format("{} exceeds the global potential.cutoff = {}; raise that instead",
                            c.cutoff, spec.cutoff));
    const auto [it, fresh] = seen.emplace(std::minmax(c.species_a, c.species_b), pair.line());
    if (!fresh)
      pair.fail("species", fmt::format("duplicate pair {}-{}: already given on line {}",
                                       c.species_a, c.species_b, it->second));
    spec.pairs.push_back(std::move(c));
  }
  if (spec.pairs.empty()) s.fail("pairs", "must list at least one pair");
}

std::string describe_pair_potential(const PairPotentialSpec& spec) {
  return fmt::format(", cut-off {} Å, {} pair(s){}{}", spec.cutoff, spec.pairs.size(),
                     spec.shift ? ", shifted" : "", spec.newton ? ", newton (each pair once)" : "");
}

std::string record_pair_potential(const PairPotentialSpec& spec, std::string (*coefficients)(const PairCoefficients&)) {
  std::string record = fmt::format(", cut-off {} Å{}{}", spec.cutoff, spec.shift ? ", shifted" : "",
                                   spec.newton ? ", newton" : "");
  for (const PairCoefficients& c : spec.pairs)
    record += fmt::format("; {}-{} {}{}", c.species_a, c.species_b, coefficients(c),
                          c.cutoff > 0.0 ? fmt::format(" cut-off {} Å", c.cutoff) : "");
  return record;
}

}  // namespace mdgpu
