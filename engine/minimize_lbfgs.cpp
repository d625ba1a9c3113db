#include <deque>

#include "engine/minimize_descent.hpp"

namespace mdgpu {
namespace {

// ASE's defaults: how many (s, y) pairs are kept, and the initial inverse Hessian 1/alpha.
constexpr std::size_t kMemory = 100;
constexpr double kInverseHessian = 1.0 / 70.0;  // Å²/eV

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) s += a[k] * b[k];
  return s;
}

class Lbfgs final : public Descent {
public:
  std::vector<double> move(const std::vector<double>& g) override {
    if (!previous_force_.empty()) remember(g);
    // Two-loop recursion on the gradient q = −g; ρ = 1 / (y·s) is used whatever its sign, as
    // ASE does (no curvature check, no line search: the step cap keeps an uphill guess short).
    std::vector<double> q(g.size());
    for (std::size_t k = 0; k < g.size(); ++k) q[k] = -g[k];
    std::vector<double> a(pairs_.size());
    for (std::size_t i = pairs_.size(); i-- > 0;) {
      a[i] = pairs_[i].rho * dot(pairs_[i].s, q);
      for (std::size_t k = 0; k < q.size(); ++k) q[k] -= a[i] * pairs_[i].y[k];
    }
    for (double& z : q) z *= kInverseHessian;
    for (std::size_t i = 0; i < pairs_.size(); ++i) {
      const double b = pairs_[i].rho * dot(pairs_[i].y, q);
      for (std::size_t k = 0; k < q.size(); ++k) q[k] += pairs_[i].s[k] * (a[i] - b);
    }
    for (double& z : q) z = -z;  // the move p = −H g
    previous_force_ = g;
    last_move_ = q;
    return q;
  }
  void taken(double scale) override {
    for (double& m : last_move_) m *= scale;
  }

  // [dimension, pairs, previous force, last move, then ρ, s, y of each pair]
  std::vector<double> state() const override {
    const std::size_t d = previous_force_.size();
    std::vector<double> out{static_cast<double>(d), static_cast<double>(pairs_.size())};
    out.insert(out.end(), previous_force_.begin(), previous_force_.end());
    out.insert(out.end(), last_move_.begin(), last_move_.end());
    for (const Pair& p : pairs_) {
      out.push_back(p.rho);
      out.insert(out.end(), p.s.begin(), p.s.end());
      out.insert(out.end(), p.y.begin(), p.y.end());
    }
    return out;
  }
  bool set_state(const std::vector<double>& in) override {
    if (in.size() < 2 || !(in[0] >= 0 && in[0] <= double(in.size())) || !(in[1] >= 0) ||
        in[1] > double(kMemory))
      return false;
    const auto d = static_cast<std::size_t>(in[0]), n = static_cast<std::size_t>(in[1]);
    if (in.size() != 2 + 2 * d + n * (1 + 2 * d)) return false;
    auto at = in.begin() + 2;
    auto take = [&at](std::size_t count) {
      std::vector<double> v(at, at + long(count));
      at += long(count);
      return v;
    };
    previous_force_ = take(d);
    last_move_ = take(d);
    pairs_.clear();
    for (std::size_t i = 0; i < n; ++i) {
      Pair p;
      p.rho = *at++;
      p.s = take(d);
      p.y = take(d);
      pairs_.push_back(std::move(p));
    }
    return true;
  }

private:
  struct Pair {
    std::vector<double> s, y;  // the move taken and the change of the gradient it brought
    double rho = 0.0;
  };

  void remember(const std::vector<double>& g) {
    Pair p;
    p.s = last_move_;
    p.y.resize(g.size());
    for (std::size_t k = 0; k < g.size(); ++k) p.y[k] = previous_force_[k] - g[k];
    p.rho = 1.0 / dot(p.y, p.s);
    pairs_.push_back(std::move(p));
    if (pairs_.size() > kMemory) pairs_.pop_front();
  }

  std::deque<Pair> pairs_;             // oldest first
  std::vector<double> previous_force_; // generalised forces where the last move started
  std::vector<double> last_move_;      // that move as taken
};

}  // namespace

std::unique_ptr<Descent> make_lbfgs_descent() { return std::make_unique<Lbfgs>(); }

}  // namespace mdgpu
