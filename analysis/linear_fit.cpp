#include "analysis/linear_fit.hpp"

#include <cmath>
#include <stdexcept>

namespace mdgpu {
namespace {

LineFit fit(const std::vector<double>& x, const std::vector<double>& y,
            const std::vector<double>* errors) {
  const std::size_t n = x.size();
  if (n != y.size() || (errors && errors->size() != n))
    throw std::invalid_argument("fit_line: sizes differ");
  // Centred sums: stable when x sits far from 0 (1/T, lag times).
  double sw = 0, sx = 0, sy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double w = errors ? 1.0 / ((*errors)[i] * (*errors)[i]) : 1.0;
    sw += w, sx += w * x[i], sy += w * y[i];
  }
  const double mx = sx / sw, my = sy / sw;
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double w = errors ? 1.0 / ((*errors)[i] * (*errors)[i]) : 1.0;
    sxx += w * (x[i] - mx) * (x[i] - mx), sxy += w * (x[i] - mx) * (y[i] - my);
  }
  if (!(sxx > 0)) throw std::invalid_argument("fit_line: needs two distinct x");
  LineFit f;
  f.points = static_cast<int>(n);
  f.slope = sxy / sxx;
  f.intercept = my - f.slope * mx;
  if (!errors) {
    f.var_slope = f.var_intercept = f.covariance = f.chi2 = NAN;
    return f;
  }
  f.var_slope = 1.0 / sxx;
  f.var_intercept = 1.0 / sw + mx * mx / sxx;
  f.covariance = -mx / sxx;
  for (std::size_t i = 0; i < n; ++i) {
    const double r = (y[i] - f.intercept - f.slope * x[i]) / (*errors)[i];
    f.chi2 += r * r;
  }
  return f;
}

}  // namespace

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  return fit(x, y, nullptr);
}

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y,
                 const std::vector<double>& errors) {
  return fit(x, y, &errors);
}

}  // namespace mdgpu
