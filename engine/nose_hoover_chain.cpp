#include "engine/nose_hoover_chain.hpp"

#include <cmath>

namespace mdgpu {

NoseHooverChain::NoseHooverChain(int length, double tdamp, int substeps, bool light_first)
    : tdamp_(tdamp), substeps_(substeps), light_first_(light_first), xi_(length, 0.0),
      vxi_(length, 0.0) {}

double NoseHooverChain::force(std::size_t k, double ke2) const {
  if (k == 0) return (ke2 - dof_ * kT_) / q_[0];
  return (q_[k - 1] * vxi_[k - 1] * vxi_[k - 1] - kT_) / q_[k];
}

double NoseHooverChain::half_step(double ke2, int dof, double kT, double dt) {
  kT_ = kT;
  dof_ = dof;
  const std::size_t m = xi_.size();
  q_.assign(m, kT_ * tdamp_ * tdamp_);
  if (!light_first_) q_[0] *= dof_;
  if (kT_ <= 0.0) return 1.0;  // a 0 K target has no thermostat mass

  static const double w1 = 1.0 / (2.0 - std::cbrt(2.0));
  const double weights[3] = {w1, 1.0 - 2.0 * w1, w1};
  double scale = 1.0;
  for (int n = 0; n < substeps_; ++n) {
    for (double w : weights) {
      const double d = w * 0.5 * dt / substeps_;  // sub-step of this half step
      vxi_[m - 1] += 0.5 * d * force(m - 1, ke2);
      for (std::size_t k = m - 1; k-- > 0;) {
        const double s = std::exp(-0.25 * d * vxi_[k + 1]);
        vxi_[k] = (vxi_[k] * s + 0.5 * d * force(k, ke2)) * s;
      }
      const double f = std::exp(-d * vxi_[0]);
      scale *= f;
      ke2 *= f * f;
      for (std::size_t k = 0; k < m; ++k) xi_[k] += d * vxi_[k];
      for (std::size_t k = 0; k + 1 < m; ++k) {
        const double s = std::exp(-0.25 * d * vxi_[k + 1]);
        vxi_[k] = (vxi_[k] * s + 0.5 * d * force(k, ke2)) * s;
      }
      vxi_[m - 1] += 0.5 * d * force(m - 1, ke2);
    }
  }
  return scale;
}

double NoseHooverChain::energy() const {
  if (q_.empty()) return 0.0;  // no half step yet: no target, no masses
  double e = 0.0;
  for (std::size_t k = 0; k < xi_.size(); ++k) {
    e += 0.5 * q_[k] * vxi_[k] * vxi_[k];
    e += (k == 0 ? dof_ : 1) * kT_ * xi_[k];
  }
  return e;
}

std::vector<double> NoseHooverChain::state() const {
  std::vector<double> s(xi_);
  s.insert(s.end(), vxi_.begin(), vxi_.end());
  return s;
}

bool NoseHooverChain::set_state(const std::vector<double>& s) {
  if (s.size() != 2 * xi_.size()) return false;
  xi_.assign(s.begin(), s.begin() + static_cast<long>(xi_.size()));
  vxi_.assign(s.begin() + static_cast<long>(xi_.size()), s.end());
  return true;
}

}  // namespace mdgpu
