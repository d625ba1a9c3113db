// What the [analysis.*] tables of an input file (and the key=value options of `mdgpu analyze`)
// ask for, validated by each kind's reader (io/kinds/, listed in io/analysis_kinds.cpp) and in
// engine units (Å, ps, K). They sit in io/, below the
// analyses, because the input readers build them. Checks that need the structure (species present,
// slab edges inside the cell) happen when the analysis starts; `where` keeps the "file:line: key"
// of each key given, so those messages can still name it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mdgpu {

// Keys every analysis table has.
struct AnalysisCommon {
  std::int64_t every = 100;                  // steps between samples (frames, for `mdgpu analyze`)
  std::string path;                          // output prefix, [output] directory included
  std::vector<std::string> stages;           // stages analysed; empty = every MD stage
  std::map<std::string, std::string> where;  // key -> "file:line: analysis.msd.key"
  std::string table;       // "file:line: analysis.msd": messages about the table
  std::string key_prefix;  // "file:line: analysis.msd.": messages about a key not given
  std::string at(const std::string& key) const {
    const auto it = where.find(key);
    return it != where.end() ? it->second : key_prefix + key;
  }
};

// Slabs along c: consecutive edges, either in Å (height above the ab plane) or fractional.
struct SlabSpec {
  std::vector<double> edges;
  bool fractional = false;
};

struct MsdSpec {
  AnalysisCommon common;               // every defaults to 10
  std::vector<std::string> species;    // diffusing species; empty = every species
  std::optional<double> max_lag;       // ps; default: analysed duration / (2 blocks)
  std::optional<double> origin_every;  // ps; default: max_lag / 20
  int blocks = 5;                      // independent blocks for the error of D
  std::optional<SlabSpec> slabs;
  bool remove_drift = false;              // subtract the framework's centre-of-mass displacement
  std::vector<std::string> framework;     // empty = every species not diffusing
  std::optional<double> nn_distance;      // Å; default: computed from the first sample
  std::optional<double> fit_start;        // ps; default: where MSD first exceeds 0.5 a²
  std::optional<double> temperature;      // K; default: mean of the sampled temperatures
  std::map<std::string, double> charges;  // e; alkali metals default to +1
};

struct RdfSpec {
  AnalysisCommon common;
  double r_max = 10.0;  // Å
  int bins = 200;
};

struct MotifSpec {
  AnalysisCommon common;
  double p_o_cutoff = 2.0;  // Å
  double p_n_cutoff = 2.0;  // Å
};

struct ProfileSpec {
  AnalysisCommon common;
  int bins = 50;               // along c
  std::string species = "Li";  // whose bond length and neighbour count are profiled
  double cutoff = 3.2;         // Å, neighbour cut-off for that species
};

// Velocity autocorrelation per species and its spectrum, the vibrational density of states.
struct VdosSpec {
  AnalysisCommon common;               // every defaults to 5 (1 for `mdgpu analyze`)
  std::vector<std::string> species;    // empty = every species
  std::optional<double> max_lag;       // ps; default: the shorter of 2 ps and a quarter stretch
  std::optional<double> origin_every;  // ps; default: max_lag / 20
};

// `mdgpu analyze arrhenius`: which D to fit, where to write, where to extrapolate.
struct ArrheniusSpec {
  std::string group;                // "Li", "Li_slab2"; empty = every group all inputs share
  std::string component = "total";  // x, y, z, a, b, c, ab or total
  std::string path = "arrhenius";   // output prefix
  double extrapolate_to = 300.0;    // K
};

// One on-the-fly analysis (also what `mdgpu analyze` runs over a trajectory); a kind's entry in
// io/analysis_kinds.hpp reads it, its overload of analysis_for (analysis/frame_analysis.hpp) runs it.
using AnalysisSpec = std::variant<MsdSpec, RdfSpec, MotifSpec, ProfileSpec, VdosSpec>;

inline const AnalysisCommon& common_of(const AnalysisSpec& spec) {
  return std::visit([](const auto& s) -> const AnalysisCommon& { return s.common; }, spec);
}

}  // namespace mdgpu
