#include "app/committee_calibration.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

namespace mdgpu {
namespace {

// Ranks 0..n-1 of `v` (ties get their mean rank).
std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&v](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = 0.5 * static_cast<double>(i + j);
    i = j + 1;
  }
  return r;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n, my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : NAN;
}

}  // namespace

void DeviationCalibration::add(const Vec3Array& predicted, const Vec3Array& reference,
                               const std::vector<double>& deviation) {
  for (std::size_t i = 0; i < deviation.size(); ++i) {
    const double dx = predicted.x[i] - reference.x[i], dy = predicted.y[i] - reference.y[i],
                 dz = predicted.z[i] - reference.z[i];
    deviation_.push_back(deviation[i]);
    error_.push_back(std::sqrt(dx * dx + dy * dy + dz * dz));
  }
}

std::string DeviationCalibration::format(int bins) const {
  const std::size_t n = deviation_.size();
  if (n == 0) return "";
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) { return deviation_[a] < deviation_[b]; });
  const std::size_t nb = std::min<std::size_t>(static_cast<std::size_t>(std::max(bins, 1)), n);
  std::string out = fmt::format("  {:>24}{:>8}{:>14}{:>14}\n", "σ bin (meV/Å)", "atoms", "mean σ", "RMS |ΔF|");
  for (std::size_t b = 0; b < nb; ++b) {
    const std::size_t lo = b * n / nb, hi = (b + 1) * n / nb;
    double sum = 0.0, sq = 0.0;
    for (std::size_t k = lo; k < hi; ++k) sum += deviation_[order[k]], sq += error_[order[k]] * error_[order[k]];
    const double m = static_cast<double>(hi - lo);
    out += fmt::format("  {:>11.1f} – {:>10.1f}{:>8}{:>14.1f}{:>14.1f}\n", 1e3 * deviation_[order[lo]],
                       1e3 * deviation_[order[hi - 1]], hi - lo, 1e3 * sum / m, 1e3 * std::sqrt(sq / m));
  }
  out += fmt::format("  Spearman rank correlation of σ and |ΔF| over {} atoms: {:.3f}\n", n,
                     pearson(ranks(deviation_), ranks(error_)));
  return out;
}

}  // namespace mdgpu
