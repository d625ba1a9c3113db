// Tracer diffusivity from an MSD table: D = slope / (2 d) of a straight line through the MSD over
// the diffusive window, fitted in every independent block; the reported D is the mean of the block
// values and its statistical error their Student-t 68.3 % half-width, so that the error describes
// the very number reported. Beside it: a window (systematic) error from how D changes between the
// two halves of the window, beyond what the blocks' noise explains; a linearity check; what run
// length would give a D when the run was too short; and the Nernst–Einstein conductivity. The
// method and its reasoning: docs/analysis.md.
#pragma once

#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "analysis/msd.hpp"

namespace mdgpu {

inline constexpr int kMinFitPoints = 3;          // lags in the fit window
inline constexpr int kMinBlocks = 4;             // fewer: the error is itself too uncertain
inline constexpr double kLinearTolerance = 0.1;  // |log-log slope - 1| accepted as diffusive
inline constexpr double kAngstrom2PerPsToCm2PerS = 1e-4;

struct ComponentDiffusivity {
  double D = NAN;  // Å²/ps, mean of the block values
  double error =
      NAN;  // statistical: t(68.3 %, blocks - 1) × std of the block values / sqrt(blocks)
  double window_error = NAN;  // systematic, from the window's halves (NaN: window too short)
  double D_early = NAN, D_late = NAN;  // block means over the first and second half of the window
  std::vector<double> block_D;         // Å²/ps, NaN for a block without data in the window
  double loglog_slope = NAN;           // d ln MSD / d ln t over the window (1 when diffusive)
  bool linear = false;
  double sigma = NAN, sigma_error = NAN;  // Nernst–Einstein conductivity, S/cm (total error)
  // Statistical and window errors in quadrature (the statistical one alone when there is no
  // window error).
  double total_error() const {
    return std::isfinite(window_error) ? std::hypot(error, window_error) : error;
  }
};

struct GroupDiffusivity {
  std::string group;
  std::string note;        // why D or its error is missing; empty when both were determined
  std::string advice;      // what run length would give a (better) fit window; may be empty
  double threshold = NAN;  // Å², 0.5 a²
  int first_lag = -1, last_lag = -1;  // fit window, in samples (-1: none)
  int blocks_used = 0;                // blocks with data over the window
  std::array<ComponentDiffusivity, kMsdComponents> components;
  // Nernst–Einstein inputs (Haven ratio 1).
  double atoms = NAN, volume = NAN, charge = NAN, temperature = NAN;
  bool has_window() const { return first_lag >= 0; }
};

struct FitSettings {
  double sample_interval = 0.0;  // ps
  double threshold = 0.0;        // Å²: the window starts where the total MSD first exceeds it
  std::optional<int> first_lag;  // given instead (fit_start_ps)
  int blocks = 5;                // of the stretch, for the run length advised
  int origin_every = 1;          // samples, likewise
};

// Fits group `group` of the tables over the window from the start to the max lag.
GroupDiffusivity fit_diffusivity(const MsdTable& total, const std::vector<MsdTable>& blocks,
                                 int group, const FitSettings& settings);

// σ = N q² D / (V k_B T) for every fitted component (Haven ratio 1); N atoms in volume V (Å³),
// charge q (e), temperature T (K). Leaves σ NaN when any input is missing.
void add_conductivity(GroupDiffusivity& result, double atoms, double volume, double charge,
                      double temperature);

// S/cm per (e² · Å²/ps / (Å³ · eV)): σ in S/cm from N q² D / (V k_B T) in mdgpu units.
double nernst_einstein(double atoms, double volume, double charge, double D, double temperature);

}  // namespace mdgpu
