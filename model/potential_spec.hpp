// What the [potential] table of an input file asks for, in engine units (Å, eV).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mdgpu {

struct PairCoefficients {
  std::string species_a, species_b;
  // Lennard-Jones: epsilon (eV), sigma (Å). Morse: d0 (eV), alpha (1/Å), r0 (Å).
  double epsilon = 0.0, sigma = 0.0;
  double d0 = 0.0, alpha = 0.0, r0 = 0.0;
  double cutoff = 0.0;  // Å; 0 = the potential's global cut-off
};

struct PotentialSpec {
  std::string kind;              // "lj" | "morse" | "nequip"
  double cutoff = 0.0;           // Å, global cut-off
  bool shift = true;             // shift pair energies to zero at the cut-off
  bool newton = false;           // lj/morse on the CPU: each pair once (half list, Newton's third law)
  std::vector<PairCoefficients> pairs;
  std::filesystem::path model;   // for model-based potentials
  std::string precision = "float32";
};

}  // namespace mdgpu
