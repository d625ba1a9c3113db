// Arrhenius fit of tracer diffusivities from several temperatures: ln D = ln D0 - Ea / (k_B T),
// a straight line in 1/T weighted by the errors of ln D (σ_D / D). Ea, ln D0 and their errors come
// from the weighted least-squares covariance, scaled up by sqrt(χ²/dof) when the points scatter
// more than their errors allow; D and the Nernst–Einstein σ are extrapolated to one temperature.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "analysis/specs.hpp"

namespace mdgpu {

struct ArrheniusPoint {
  std::string source;  // file:/groups/<group>
  std::string group;
  double temperature = 0.0;                        // K
  double D = 0.0, error = 0.0;                     // Å²/ps
  double atoms = 0.0, volume = 0.0, charge = 0.0;  // for σ (charge NaN: none)
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
// share when no group is given. InputError naming the file for anything missing or undetermined.
std::vector<ArrheniusPoint> read_arrhenius_points(const std::vector<std::filesystem::path>& inputs,
                                                  const ArrheniusSpec& spec);

// Fits the points of one group; InputError at `where` with fewer than two distinct temperatures.
ArrheniusFit fit_arrhenius(const std::vector<ArrheniusPoint>& points, double temperature,
                           const std::string& where);

}  // namespace mdgpu
