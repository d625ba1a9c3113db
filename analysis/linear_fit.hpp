// Straight-line least squares, y = intercept + slope x: unweighted, or weighted by 1/error².
#pragma once

#include <vector>

namespace mdgpu {

struct LineFit {
  double intercept = 0.0, slope = 0.0;
  // With weights 1/error²: the parameters' covariance and chi². Unweighted fits leave them NaN.
  double var_intercept = 0.0, var_slope = 0.0, covariance = 0.0, chi2 = 0.0;
  int points = 0;
};

// Needs at least two distinct x (throws std::invalid_argument otherwise: callers check first).
LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y);
LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y,
                 const std::vector<double>& errors);

}  // namespace mdgpu
