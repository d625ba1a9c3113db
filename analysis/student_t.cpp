#include "analysis/student_t.hpp"

#include <cmath>
#include <stdexcept>

namespace mdgpu {
namespace {

// Continued fraction of the regularized incomplete beta function I_x(a, b), evaluated by the
// modified Lentz method; converges quickly for x < (a + 1) / (a + b + 2).
double beta_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300, kEpsilon = 1e-15;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  d = 1.0 / (std::fabs(d) < kTiny ? kTiny : d);
  double f = d;
  for (int m = 1; m <= 500; ++m) {
    for (int odd = 0; odd < 2; ++odd) {
      const double num = odd == 0 ? m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
                                  : -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
      d = 1.0 + num * d;
      d = 1.0 / (std::fabs(d) < kTiny ? kTiny : d);
      c = 1.0 + num / c;
      if (std::fabs(c) < kTiny) c = kTiny;
      f *= c * d;
      if (odd == 1 && std::fabs(c * d - 1.0) < kEpsilon) return f;
    }
  }
  return f;
}

double incomplete_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_fraction(a, b, x) / a;
  return 1.0 - front * beta_fraction(b, a, 1.0 - x) / b;
}

}  // namespace

double student_t_cdf(double t, int dof) {
  if (dof < 1) throw std::invalid_argument("student_t_cdf: dof must be >= 1");
  const double n = dof;
  if (t * t < n) {  // near 0: P(|T| <= |t|) directly, which keeps its precision there
    const double central = incomplete_beta(0.5, 0.5 * n, t * t / (n + t * t));
    return t >= 0 ? 0.5 + 0.5 * central : 0.5 - 0.5 * central;
  }
  const double tail = 0.5 * incomplete_beta(0.5 * n, 0.5, n / (n + t * t));  // P(T > |t|)
  return t >= 0 ? 1.0 - tail : tail;
}

double student_t_quantile(double p, int dof) {
  if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("student_t_quantile: p outside (0, 1)");
  // Bisection on the monotonic CDF: slow but exact to the last bits, and called rarely.
  double lo = -1.0, hi = 1.0;
  while (student_t_cdf(lo, dof) > p) lo *= 2.0;
  while (student_t_cdf(hi, dof) < p) hi *= 2.0;
  for (int k = 0; k < 200 && hi - lo > 1e-14 * std::fabs(hi); ++k) {
    const double mid = 0.5 * (lo + hi);
    (student_t_cdf(mid, dof) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double one_sigma_factor(int dof) { return student_t_quantile(0.5 + 0.5 * kOneSigmaCoverage, dof); }

}  // namespace mdgpu
