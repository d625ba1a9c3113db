#include "engine/minimize.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "core/units.hpp"
#include "engine/minimize_descent.hpp"

namespace mdgpu {
namespace {

// The strain components a cell relaxation moves, Voigt xx yy zz yz xz xy.
constexpr int kPairs[6][2] = {{0, 0}, {1, 1}, {2, 2}, {1, 2}, {0, 2}, {0, 1}};

class Minimizer final : public Integrator {
public:
  Minimizer(const MinimizeStage& s, std::unique_ptr<Descent> descent)
      : spec_(s), descent_(std::move(descent)) {
    if (!spec_.relax_cell) return;
    const BarostatSpec& c = spec_.cell;
    for (int k = 0; k < 3; ++k) active_[k] = c.axes[k];
    for (int k = 3; k < 6; ++k)
      active_[k] = c.coupling == Coupling::Tri && c.axes[kPairs[k][0]] && c.axes[kPairs[k][1]];
    // Iso: one generalised coordinate (the first barostatted axis) drives every diagonal one.
    cell_dofs_ = c.coupling == Coupling::Iso ? 1 : static_cast<int>(std::count(active_.begin(), active_.end(), true));
  }

  void step(StepContext& c) override {
    AtomsView a = c.atoms.view();
    const std::size_t n = static_cast<std::size_t>(a.n);
    c.atoms.download_state(host_);
    c.atoms.download_forces(force_);
    const std::vector<double> move = descent_->move(generalised_forces(c, n));
    double longest = 0.0;  // of an atom's move, or a cell coordinate's
    for (std::size_t i = 0; i < n; ++i)
      longest = std::max(longest, std::hypot(move[3 * i], move[3 * i + 1], move[3 * i + 2]));
    for (std::size_t k = 3 * n; k < move.size(); ++k) longest = std::max(longest, std::fabs(move[k]));
    const double scale = longest > spec_.max_step ? spec_.max_step / longest : 1.0;
    descent_->taken(scale);

    Vec3Array& r = host_.positions;
    for (std::size_t i = 0; i < n; ++i) {
      r.x[i] += scale * move[3 * i];
      r.y[i] += scale * move[3 * i + 1];
      r.z[i] += scale * move[3 * i + 2];
    }
    if (cell_dofs_ > 0) strain_cell(c, n, move, scale);
    c.atoms.upload_positions(host_);
    const double before = energy_;
    c.forces.compute(a, c.box);
    energy_ = objective(c);
    check_convergence(c, n, before, ++iterations_ > 1);
  }

  bool converged() const override { return converged_; }
  std::string progress() const override {
    return fmt::format("  max force = {:.3g} eV/Å  static P = {:.4g} bar{}", max_force_, static_mean_,
                       cell_dofs_ == 0                             ? std::string()
                       : spec_.cell.coupling == Coupling::Iso ? fmt::format("  |P - target| = {:.3g} bar", max_stress_)
                                                              : fmt::format("  max |P - target| = {:.3g} bar", max_stress_));
  }

  // The objective, the iteration count and the descent's own variables: a restart goes on
  // bitwise.
  std::vector<double> state() const override {
    std::vector<double> s{energy_, static_cast<double>(iterations_)};
    const auto d = descent_->state();
    s.insert(s.end(), d.begin(), d.end());
    return s;
  }
  bool set_state(const std::vector<double>& s) override {
    if (s.empty()) return true;  // saved before the first iteration
    // The iteration count is cast to an integer: a corrupt checkpoint's NaN or 1e300 is refused.
    if (s.size() < 2 || !(s[1] >= 0 && s[1] < 1e18) || !descent_->set_state({s.begin() + 2, s.end()}))
      return false;
    energy_ = s[0];
    iterations_ = static_cast<std::int64_t>(s[1]);
    return true;
  }

private:
  // The static pressure tensor (virial only: a relaxed structure has no temperature), Voigt, bar.
  std::array<double, 6> static_pressure(const StepContext& c) const {
    const auto p = pressure_tensor({}, c.forces.last().virial, c.box.volume());
    return {p[0], p[1], p[2], p[5], p[4], p[3]};
  }

  std::vector<double> generalised_forces(const StepContext& c, std::size_t n) const {
    std::vector<double> g(3 * n + static_cast<std::size_t>(cell_dofs_));
    for (std::size_t i = 0; i < n; ++i)
      g[3 * i] = force_.x[i], g[3 * i + 1] = force_.y[i], g[3 * i + 2] = force_.z[i];
    if (cell_dofs_ == 0) return g;
    const auto p = static_pressure(c);
    const double v = c.box.volume() / units::kEvPerA3ToBar / static_cast<double>(n);  // F_X = F_ε / N
    std::size_t d = 3 * n;
    for (int k = 0; k < 6; ++k) {
      if (!active_[k]) continue;
      const double f = (p[k] - spec_.cell.pressure.start[k]) * v * (k < 3 ? 1.0 : 2.0);
      if (spec_.cell.coupling == Coupling::Iso) g[d] += f;
      else g[d++] = f;
    }
    return g;
  }

  // H <- H (1 + ε) and r <- r (1 + ε) for the strain increment ε the cell coordinates moved by.
  void strain_cell(StepContext& c, std::size_t n, const std::vector<double>& move, double scale) {
    double e[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    std::size_t d = 3 * n;
    for (int k = 0; k < 6; ++k) {
      if (!active_[k]) continue;
      const double strain = scale * move[d] / static_cast<double>(n);
      if (spec_.cell.coupling != Coupling::Iso) ++d;
      const int i = kPairs[k][0], j = kPairs[k][1];
      e[i][j] += strain;
      if (i != j) e[j][i] += strain;
    }
    Mat3 h = c.box.cell();
    for (Vec3& row : h) {
      const Vec3 old = row;
      for (int j = 0; j < 3; ++j) row[j] = old[0] * e[0][j] + old[1] * e[1][j] + old[2] * e[2][j];
    }
    Vec3Array& r = host_.positions;
    for (std::size_t i = 0; i < n; ++i) {
      const double u[3] = {r.x[i], r.y[i], r.z[i]};
      r.x[i] = u[0] * e[0][0] + u[1] * e[1][0] + u[2] * e[2][0];
      r.y[i] = u[0] * e[0][1] + u[1] * e[1][1] + u[2] * e[2][1];
      r.z[i] = u[0] * e[0][2] + u[1] * e[1][2] + u[2] * e[2][2];
    }
    c.box = Box(h, c.box.periodic(), "minimisation");
  }

  // Energy, or enthalpy E + P_target V when the cell relaxes (hydrostatic part of the target).
  double objective(const StepContext& c) const {
    double e = c.forces.last().energy;
    if (cell_dofs_ == 0) return e;
    double p = 0.0;
    int axes = 0;
    for (int k = 0; k < 3; ++k)
      if (active_[k]) p += spec_.cell.pressure.start[k], ++axes;
    return e + p / axes * c.box.volume() / units::kEvPerA3ToBar;
  }

  // `compared`: `before` is the objective of an earlier iteration (not the first one's start).
  void check_convergence(StepContext& c, std::size_t n, double before, bool compared) {
    c.atoms.download_forces(force_);
    max_force_ = 0.0;
    for (std::size_t i = 0; i < n; ++i)
      max_force_ = std::max(max_force_, std::hypot(force_.x[i], force_.y[i], force_.z[i]));
    max_stress_ = 0.0;
    const auto p = static_pressure(c);
    static_mean_ = (p[0] + p[1] + p[2]) / 3.0;
    if (cell_dofs_ > 0 && spec_.cell.coupling == Coupling::Iso) {
      // One strain for every relaxed axis: only their mean pressure can reach the target (the
      // axes of a non-cubic crystal keep different stresses), as with ASE's hydrostatic_strain.
      double sum = 0.0;
      int axes = 0;
      for (int k = 0; k < 3; ++k)
        if (active_[k]) sum += p[k] - spec_.cell.pressure.start[k], ++axes;
      max_stress_ = std::fabs(sum / axes);
    } else if (cell_dofs_ > 0) {
      for (int k = 0; k < 6; ++k)
        if (active_[k]) max_stress_ = std::max(max_stress_, std::fabs(p[k] - spec_.cell.pressure.start[k]));
    }
    bool done = cell_dofs_ == 0 || max_stress_ < spec_.pressure_tolerance;
    if (spec_.force_tolerance > 0) done = done && max_force_ < spec_.force_tolerance;
    if (spec_.energy_tolerance > 0)
      done = done && compared && std::fabs(energy_ - before) <= spec_.energy_tolerance * std::fabs(energy_);
    converged_ = done;
  }

  MinimizeStage spec_;
  std::array<bool, 6> active_{};
  int cell_dofs_ = 0;
  std::unique_ptr<Descent> descent_;
  double energy_ = 0.0;  // objective after the last iteration
  std::int64_t iterations_ = 0;
  System host_;
  Vec3Array force_;
  double max_force_ = 0.0, max_stress_ = 0.0, static_mean_ = 0.0;  // eV/Å, bar, bar
  bool converged_ = false;
};

}  // namespace

std::unique_ptr<Integrator> make_minimizer(const MinimizeStage& stage) {
  return std::make_unique<Minimizer>(stage, stage.method == MinimizeMethod::Lbfgs ? make_lbfgs_descent()
                                                                                  : make_fire_descent());
}

}  // namespace mdgpu
