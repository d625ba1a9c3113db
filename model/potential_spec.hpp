// What the [potential] table of an input file asks for, in engine units (Å, eV): one struct per
// kind, and PotentialSpec, the variant of them all. Each kind's reader, dry-run line and factory
// live in io/kinds/ and are listed in io/potential_kinds.cpp (docs/adding_a_kind.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

namespace mdgpu {

// One row of a pair potential's table. Lennard-Jones reads epsilon and sigma, Morse d0, alpha, r0.
struct PairCoefficients {
  std::string species_a, species_b;
  double epsilon = 0.0, sigma = 0.0;      // Lennard-Jones: eV, Å
  double d0 = 0.0, alpha = 0.0, r0 = 0.0;  // Morse: eV, 1/Å, Å
  double cutoff = 0.0;  // Å; 0 = the potential's global cut-off
};

// What the pair kinds share.
struct PairPotentialSpec {
  double cutoff = 0.0;  // Å, global cut-off
  bool shift = true;    // shift pair energies to zero at the cut-off
  bool newton = false;  // on the CPU: each pair once (half list, Newton's third law)
  std::vector<PairCoefficients> pairs;
};

struct LennardJonesSpec : PairPotentialSpec {};  // kind = "lj"
struct MorseSpec : PairPotentialSpec {};         // kind = "morse"

struct NequipSpec {  // kind = "nequip"
  std::filesystem::path model;
  std::string precision = "float32";  // float32 | float64
  // A committee instead of `model` (model/committee_potential.hpp): its members, whether the
  // atoms move on their mean force (else on the first member's), and how often (steps) the
  // spread is evaluated for [output.candidates] at least.
  std::vector<std::filesystem::path> committee;
  bool drive_mean = true;
  std::int64_t every = 1;
};

using PotentialSpec = std::variant<LennardJonesSpec, MorseSpec, NequipSpec>;

// Whether the potential is a committee, whose force deviation outputs may ask for.
inline bool is_committee(const PotentialSpec& potential) {
  const auto* nequip = std::get_if<NequipSpec>(&potential);
  return nequip && !nequip->committee.empty();
}

// The models the potential evaluates, each with its own per-pair work arrays: a committee's members.
inline std::size_t models_evaluated(const PotentialSpec& potential) {
  const auto* nequip = std::get_if<NequipSpec>(&potential);
  return nequip && !nequip->committee.empty() ? nequip->committee.size() : 1;
}

}  // namespace mdgpu
