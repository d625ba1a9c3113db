#include "analysis/vdos.hpp"

#include <cmath>
#include <stdexcept>

namespace mdgpu {

Spectrum vibrational_dos(const std::vector<double>& vacf, double dt) {
  const std::size_t lags = vacf.size();
  if (lags < 2 || !(vacf[0] > 0)) throw std::invalid_argument("vibrational_dos: needs C(0) > 0");
  const double tau = (lags - 1) * dt;
  std::vector<double> weighted(lags);
  for (std::size_t k = 0; k < lags; ++k) {
    const double c = std::cos(M_PI * k / (2.0 * (lags - 1)));
    weighted[k] = c * c * vacf[k] / vacf[0] * (k == 0 || k + 1 == lags ? 0.5 : 1.0);
  }
  Spectrum s;
  const std::size_t points = 2 * (lags - 1) + 1;  // 0 ... Nyquist in steps of 1/(4 τ)
  for (std::size_t j = 0; j < points; ++j) {
    const double nu = j / (4.0 * tau);
    double sum = 0.0;
    for (std::size_t k = 0; k < lags; ++k) sum += weighted[k] * std::cos(2.0 * M_PI * nu * k * dt);
    s.frequency.push_back(nu);
    s.density.push_back(4.0 * dt * sum);
  }
  return s;
}

double spectral_moment(const Spectrum& s, int p) {
  double sum = 0.0;
  for (std::size_t j = 1; j < s.frequency.size(); ++j) {
    const double a = std::pow(s.frequency[j - 1], p) * s.density[j - 1];
    const double b = std::pow(s.frequency[j], p) * s.density[j];
    sum += 0.5 * (a + b) * (s.frequency[j] - s.frequency[j - 1]);
  }
  return sum;
}

}  // namespace mdgpu
