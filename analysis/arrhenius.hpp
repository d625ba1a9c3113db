// Arrhenius fit of tracer diffusivities from several temperatures: ln D = ln D0 - Ea / (k_B T),
// a straight line in 1/T weighted by the full errors of ln D (statistical and window errors in
// quadrature, over D). Ea, ln D0 and their errors come from the weighted least-squares covariance,
// scaled up by sqrt(χ²/dof) when the points scatter more than their errors allow; D and the
// Nernst–Einstein σ are extrapolated to one temperature. Points that are not diffusive (no D, no
// error, a log-log slope off 1) are left out, each with a one-line reason.
#pragma once

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "io/analysis_specs.hpp"

namespace mdgpu {

struct ArrheniusPoint {
  std::string source;  // file:/groups/<group>
  std::string group;
  double temperature = 0.0;                         // K
  double D = NAN, error = NAN, window_error = 0.0;  // Å²/ps: statistical and systematic errors
  double loglog_slope = NAN;
  double atoms = 0.0, volume = 0.0, charge = 0.0;  // for σ (charge NaN: none)
  std::string excluded;  // why the fit leaves this point out; empty when it is used
  double total_error() const { return std::hypot(error, window_error); }
};

struct ArrheniusFit {
  int points = 0, dof = 0;
  double chi2 = 0.0, error_scale = 1.0;   // errors below are multiplied by error_scale
  double Ea = 0.0, Ea_error = 0.0;        // eV
  double ln_D0 = 0.0, ln_D0_error = 0.0;  // D0 in Å²/ps
  double temperature = 0.0;               // K, the extrapolation
  double ln_D = 0.0, ln_D_error = 0.0;    // D there, Å²/ps
  double sigma = 0.0;  // S/cm there (NaN without a charge); relative error = ln_D_error
};

// The MSD result files (.h5 from [analysis.msd] or `mdgpu analyze msd`) named or found in the
// directories named, read for `spec.component` of `spec.group` — or of every group all files
// share when no group is given. InputError naming the file for a file that is not such a result;
// points without a usable D come back with `excluded` saying why.
std::vector<ArrheniusPoint> read_arrhenius_points(const std::vector<std::filesystem::path>& inputs,
                                                  const ArrheniusSpec& spec);

inline constexpr int kMinArrheniusTemperatures = 3;

// Fits the points of one group that are not excluded; InputError at `where` (listing the
// exclusions) when fewer than kMinArrheniusTemperatures distinct temperatures remain.
ArrheniusFit fit_arrhenius(const std::vector<ArrheniusPoint>& points, double temperature,
                           const std::string& where);

}  // namespace mdgpu
