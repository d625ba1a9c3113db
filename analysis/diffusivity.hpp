// Tracer diffusivity from an MSD table: D = slope / (2 d) of a straight line through the MSD over
// the linear (diffusive) regime, with its statistical error from independent blocks, a linearity
// check and the Nernst–Einstein conductivity. The method and its reasoning: docs/analysis.md.
#pragma once

#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "analysis/msd.hpp"

namespace mdgpu {

inline constexpr int kMinFitPoints = 3;          // lags in the fit window
inline constexpr double kLinearTolerance = 0.1;  // |log-log slope - 1| accepted as diffusive
inline constexpr double kAngstrom2PerPsToCm2PerS = 1e-4;

struct ComponentDiffusivity {
  double D = NAN, error = NAN;  // Å²/ps; error = std of the block values / sqrt(blocks)
  std::vector<double> block_D;  // Å²/ps, NaN for a block without data in the window
  double loglog_slope = NAN;    // d ln MSD / d ln t over the window (1 when diffusive)
  bool linear = false;
  double sigma = NAN, sigma_error = NAN;  // Nernst–Einstein conductivity, S/cm
};

struct GroupDiffusivity {
  std::string group;
  std::string note;        // why D or its error is missing; empty when both were determined
  double threshold = NAN;  // Å², 0.5 a²
  int first_lag = -1, last_lag = -1;  // fit window, in samples
  std::array<ComponentDiffusivity, kMsdComponents> components;
  // Nernst–Einstein inputs (Haven ratio 1).
  double atoms = NAN, volume = NAN, charge = NAN, temperature = NAN;
};

struct FitSettings {
  double sample_interval = 0.0;  // ps
  double threshold = 0.0;        // Å²: the window starts where the total MSD first exceeds it
  std::optional<int> first_lag;  // given instead (fit_start_ps)
};

// Fits group `group` of the tables.
GroupDiffusivity fit_diffusivity(const MsdTable& total, const std::vector<MsdTable>& blocks,
                                 int group, const FitSettings& settings);

// σ = N q² D / (V k_B T) for every fitted component (Haven ratio 1); N atoms in volume V (Å³),
// charge q (e), temperature T (K). Leaves σ NaN when any input is missing.
void add_conductivity(GroupDiffusivity& result, double atoms, double volume, double charge,
                      double temperature);

// S/cm per (e² · Å²/ps / (Å³ · eV)): σ in S/cm from N q² D / (V k_B T) in mdgpu units.
double nernst_einstein(double atoms, double volume, double charge, double D, double temperature);

}  // namespace mdgpu
