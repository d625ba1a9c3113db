#include "engine/integrators.hpp"

#include <cmath>

#include "core/units.hpp"

namespace mdgpu {
namespace {

class VelocityVerlet final : public Integrator {
public:
  explicit VelocityVerlet(double dt) : dt_(dt) {}
  void step(StepContext& c) override {
    AtomsView a = c.atoms.view();
    c.backend.kick(a, 0.5 * dt_);
    c.backend.drift(a, dt_);
    c.forces.compute(a, c.box);
    c.backend.kick(a, 0.5 * dt_);
  }

private:
  double dt_;
};

// Nosé–Hoover chain thermostat of Martyna, Tuckerman & Klein (J. Chem. Phys. 97, 2635 (1992)),
// propagated with the Trotter factorisation of Martyna, Tuckerman, Tobias & Klein (Mol. Phys. 87,
// 1117 (1996)): chain half-step, velocity-Verlet step, chain half-step; each chain half-step
// split into `chain_substeps` × 3 Suzuki–Yoshida sub-steps.
class NoseHooverChain final : public Integrator {
public:
  explicit NoseHooverChain(const StageSpec& s)
      : dt_(s.timestep), tdamp_(s.tdamp), substeps_(s.chain_substeps),
        xi_(s.chain_length, 0.0), vxi_(s.chain_length, 0.0) {}

  void step(StepContext& c) override {
    AtomsView a = c.atoms.view();
    chain_half_step(c, a);
    c.backend.kick(a, 0.5 * dt_);
    c.backend.drift(a, dt_);
    c.forces.compute(a, c.box);
    c.backend.kick(a, 0.5 * dt_);
    chain_half_step(c, a);
  }

  double thermostat_energy() const override {
    double e = 0.0;
    for (std::size_t k = 0; k < xi_.size(); ++k) {
      e += 0.5 * q_[k] * vxi_[k] * vxi_[k];
      e += (k == 0 ? dof_ : 1) * kT_ * xi_[k];
    }
    return e;
  }

  std::vector<double> state() const override {
    std::vector<double> s(xi_);
    s.insert(s.end(), vxi_.begin(), vxi_.end());
    return s;
  }
  bool set_state(const std::vector<double>& s) override {
    if (s.size() != 2 * xi_.size()) return false;
    xi_.assign(s.begin(), s.begin() + static_cast<long>(xi_.size()));
    vxi_.assign(s.begin() + static_cast<long>(xi_.size()), s.end());
    return true;
  }

private:
  // Force on chain element k (0-based) given twice the kinetic energy of the atoms.
  double chain_force(std::size_t k, double ke2) const {
    if (k == 0) return (ke2 - dof_ * kT_) / q_[0];
    return (q_[k - 1] * vxi_[k - 1] * vxi_[k - 1] - kT_) / q_[k];
  }

  void chain_half_step(StepContext& c, AtomsView& a) {
    kT_ = units::kBoltzmann * c.target;
    dof_ = c.dof;
    const std::size_t m = xi_.size();
    q_.assign(m, kT_ * tdamp_ * tdamp_);
    q_[0] *= dof_;
    double ke2 = 2.0 * kinetic_energy(c.backend, a);
    if (kT_ <= 0.0) return;  // a 0 K target has no thermostat mass; keep the atoms as they are

    static const double w1 = 1.0 / (2.0 - std::cbrt(2.0));
    const double weights[3] = {w1, 1.0 - 2.0 * w1, w1};
    double scale = 1.0;
    for (int n = 0; n < substeps_; ++n) {
      for (double w : weights) {
        const double d = w * 0.5 * dt_ / substeps_;  // sub-step of this half step
        vxi_[m - 1] += 0.5 * d * chain_force(m - 1, ke2);
        for (std::size_t k = m - 1; k-- > 0;) {
          const double s = std::exp(-0.25 * d * vxi_[k + 1]);
          vxi_[k] = (vxi_[k] * s + 0.5 * d * chain_force(k, ke2)) * s;
        }
        const double f = std::exp(-d * vxi_[0]);
        scale *= f;
        ke2 *= f * f;
        for (std::size_t k = 0; k < m; ++k) xi_[k] += d * vxi_[k];
        for (std::size_t k = 0; k + 1 < m; ++k) {
          const double s = std::exp(-0.25 * d * vxi_[k + 1]);
          vxi_[k] = (vxi_[k] * s + 0.5 * d * chain_force(k, ke2)) * s;
        }
        vxi_[m - 1] += 0.5 * d * chain_force(m - 1, ke2);
      }
    }
    c.backend.scale_velocities(a, scale);
  }

  double dt_, tdamp_;
  int substeps_;
  std::vector<double> xi_, vxi_, q_;
  double kT_ = 0.0;
  int dof_ = 0;
};

// Langevin dynamics with the BAOAB splitting of Leimkuhler & Matthews (Appl. Math. Res. Express
// 2013, 34). The O step draws Philox normals keyed by (seed, atom, step): reproducible on any
// backend. The energy the friction and noise exchange is accumulated so that KE + PE + heat is
// conserved up to discretisation error.
class LangevinBAOAB final : public Integrator {
public:
  explicit LangevinBAOAB(const StageSpec& s)
      : dt_(s.timestep), c1_(std::exp(-s.timestep / s.friction_time)), seed_(s.seed) {}

  void step(StepContext& c) override {
    AtomsView a = c.atoms.view();
    c.backend.kick(a, 0.5 * dt_);
    c.backend.drift(a, 0.5 * dt_);
    const double before = kinetic_energy(c.backend, a);
    c.backend.langevin(a, c1_, units::kBoltzmann * c.target, seed_, c.step);
    heat_ += before - kinetic_energy(c.backend, a);
    c.backend.drift(a, 0.5 * dt_);
    c.forces.compute(a, c.box);
    c.backend.kick(a, 0.5 * dt_);
  }
  double thermostat_energy() const override { return heat_; }
  std::vector<double> state() const override { return {heat_}; }
  bool set_state(const std::vector<double>& s) override {
    if (s.size() != 1) return false;
    heat_ = s[0];
    return true;
  }

private:
  double dt_, c1_;
  std::uint64_t seed_;
  double heat_ = 0.0;
};

}  // namespace

std::unique_ptr<Integrator> make_integrator(const StageSpec& stage) {
  switch (stage.thermostat) {
    case Thermostat::NoseHoover: return std::make_unique<NoseHooverChain>(stage);
    case Thermostat::Langevin: return std::make_unique<LangevinBAOAB>(stage);
    case Thermostat::None: break;
  }
  return std::make_unique<VelocityVerlet>(stage.timestep);
}

int degrees_of_freedom(const StageSpec& stage, int natoms) {
  const int dof = 3 * natoms - (stage.thermostat == Thermostat::Langevin ? 0 : 3);
  return dof > 0 ? dof : 3 * natoms;
}

double kinetic_energy(Backend& backend, const AtomsView& atoms) {
  const auto t = backend.kinetic_tensor(atoms);
  return 0.5 * (t[0] + t[1] + t[2]);
}

}  // namespace mdgpu
