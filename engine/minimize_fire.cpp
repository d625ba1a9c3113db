#include <algorithm>
#include <cmath>

#include "engine/minimize_descent.hpp"

namespace mdgpu {
namespace {

// FIRE's parameters as ASE's optimiser has them (unit masses; dt in √(Å² amu... ) units that make
// dt² × force a length: 0.1² × 1 eV/Å moves an atom by 0.01 Å).
constexpr double kDtStart = 0.1, kDtMax = 1.0, kAlphaStart = 0.1, kAlphaShrink = 0.99;
constexpr double kDtGrow = 1.1, kDtShrink = 0.5;
constexpr int kMinDownhill = 5;

class Fire final : public Descent {
public:
  std::vector<double> move(const std::vector<double>& g) override {
    // As ASE's FIRE: the first iteration starts from rest without counting as uphill (its power
    // is 0; the paper's rule would halve the time step before the first move), and the time step
    // grows once more than kMinDownhill downhill iterations came before this one.
    const bool first = velocity_.empty();
    if (first) velocity_.assign(g.size(), 0.0);
    double power = 0.0, vv = 0.0, gg = 0.0;
    for (std::size_t k = 0; k < g.size(); ++k)
      power += g[k] * velocity_[k], vv += velocity_[k] * velocity_[k], gg += g[k] * g[k];
    if (!first && power > 0.0) {
      const double mix = gg > 0.0 ? alpha_ * std::sqrt(vv / gg) : 0.0;
      for (std::size_t k = 0; k < g.size(); ++k) velocity_[k] = (1.0 - alpha_) * velocity_[k] + mix * g[k];
      if (downhill_ > kMinDownhill) dt_ = std::min(dt_ * kDtGrow, kDtMax), alpha_ *= kAlphaShrink;
      ++downhill_;
    } else if (!first) {
      std::fill(velocity_.begin(), velocity_.end(), 0.0);
      dt_ *= kDtShrink;
      alpha_ = kAlphaStart;
      downhill_ = 0;
    }
    std::vector<double> move(g.size());
    for (std::size_t k = 0; k < g.size(); ++k) velocity_[k] += dt_ * g[k], move[k] = dt_ * velocity_[k];
    return move;
  }
  // As ASE's: the cap shortens the move, not the velocity.
  void taken(double) override {}

  std::vector<double> state() const override {
    std::vector<double> s{dt_, alpha_, static_cast<double>(downhill_)};
    s.insert(s.end(), velocity_.begin(), velocity_.end());
    return s;
  }
  bool set_state(const std::vector<double>& s) override {
    if (s.size() < 3 || !(s[2] >= 0 && s[2] < 1e9)) return false;  // downhill count: an int
    dt_ = s[0], alpha_ = s[1], downhill_ = static_cast<int>(s[2]);
    velocity_.assign(s.begin() + 3, s.end());
    return true;
  }

private:
  double dt_ = kDtStart, alpha_ = kAlphaStart;
  int downhill_ = 0;
  std::vector<double> velocity_;  // FIRE's, 3N atoms then the cell coordinates
};

}  // namespace

std::unique_ptr<Descent> make_fire_descent() { return std::make_unique<Fire>(); }

}  // namespace mdgpu
