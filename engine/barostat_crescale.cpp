#include "engine/barostat_crescale.hpp"

#include <cmath>
#include <vector>

#include "core/units.hpp"
#include "engine/nose_hoover_chain.hpp"
#include "kernels/philox.hpp"

namespace mdgpu {
namespace {

// Philox stream of the barostat's noise (0 is the Langevin thermostat's, keyed by atom).
constexpr std::uint32_t kNoiseStream = 1;

// The barostat's variables are x_j = ln V (iso) or the logarithms of the barostatted axes'
// lengths (aniso). Each takes an Euler–Maruyama step of the overdamped Langevin equation
//   dx_j = m (P_j − P0_j) dt + sqrt(2 m kT / V) dW_j,
// m = β_T / τ_p (iso) or β_T / (3 τ_p) (aniso, so that ln V moves as in iso), P_j the mean
// pressure of the barostatted axes (iso) or the axis' own (aniso), with the kinetic part of the
// current velocities, since velocities are scaled with the cell. Its stationary distribution
// is the NPT ensemble's, ∝ V exp(−(K + U + P0 V) / kT) dx (the V from dV = V d ln V); in these
// variables the Itô drift has no kT/V term (the authors' reference code integrates λ = √V,
// whose drift has −kT/(2V), which Itô's rule for x = 2 ln λ cancels). Time-reversible splitting as in the paper's "Trotter" scheme: thermostat,
// half kick, the barostat step around the drift, forces, half kick, thermostat.
class CRescaleNpt final : public Integrator {
public:
  CRescaleNpt(const NptStage& s, double dt)
      : stage_(s), dt_(dt), particles_(s.chain_length, s.tdamp, s.chain_substeps) {
    const BarostatSpec& b = s.barostat;
    for (int k = 0; k < 3; ++k)
      if (b.axes[k]) axes_.push_back(k);
    iso_ = b.coupling == Coupling::Iso;
    variables_ = iso_ ? 1 : static_cast<int>(axes_.size());
    mobility_ = b.compressibility / b.tau_p / (iso_ ? 1.0 : 3.0);
  }

  void step(StepContext& c) override {
    AtomsView a = c.atoms.view();
    const double kT = units::kBoltzmann * c.target;
    for (int k = 0; k < 3; ++k) target_[k] = stage_.barostat.pressure.at(k, c.fraction);

    particle_chain_half_step(c, a, kT);
    c.backend.kick(a, 0.5 * dt_);

    // The step of x from the pressure now (half-step velocities, forces of the positions now).
    const double v0 = c.box.volume();
    const auto f0 = generalized_forces(c, a, v0);
    double noise[4];
    philox_normal4(stage_.barostat.seed, kNoiseStream, 0u, c.step, noise);
    const double per_volume = mobility_ * units::kEvPerA3ToBar;  // m g: x's drift is m g F / V
    std::array<double, 3> dx{}, log_scale{};
    for (int j = 0; j < variables_; ++j)
      dx[j] = per_volume * f0[j] / v0 * dt_ + std::sqrt(2.0 * per_volume * kT / v0 * dt_) * noise[j];
    for (std::size_t i = 0; i < axes_.size(); ++i)
      log_scale[axes_[i]] = iso_ ? dx[0] / double(axes_.size()) : dx[i];

    // Positions and cell scaled by √s, drift, √s again; velocities by 1/√s on both sides: the
    // atoms end at s r + v dt, with velocities v / s, and the reverse step (−dx) undoes it.
    std::array<double, 3> half{}, inverse{};
    for (int k = 0; k < 3; ++k) {
      half[k] = std::exp(0.5 * log_scale[k]);
      inverse[k] = 1.0 / half[k];
    }
    scale_velocities(c, a, inverse);
    scale_cell(c, a, half);
    c.backend.drift(a, dt_);
    scale_cell(c, a, half);
    scale_velocities(c, a, inverse);
    add_work(v0, log_scale);

    c.forces.compute(a, c.box);
    const double v1 = c.box.volume();
    const auto f1 = generalized_forces(c, a, v1);
    add_heat(dx, f0, f1, v0, v1, kT);

    c.backend.kick(a, 0.5 * dt_);
    particle_chain_half_step(c, a, kT);
  }

  // The effective energy of the paper: the chain's energy, the work P0 dV done against the
  // target and the heat the barostat's friction and noise exchanged, so that conserved = KE + PE
  // + this drifts only by the discretisation error.
  double thermostat_energy() const override { return particles_.energy() + work_ + heat_; }

  std::vector<double> state() const override {
    std::vector<double> s{work_, heat_};
    const auto p = particles_.state();
    s.insert(s.end(), p.begin(), p.end());
    return s;
  }

  bool set_state(const std::vector<double>& s) override {
    if (s.size() != 2 + 2 * static_cast<std::size_t>(stage_.chain_length)) return false;
    NoseHooverChain particles = particles_;
    if (!particles.set_state({s.begin() + 2, s.end()})) return false;
    work_ = s[0];
    heat_ = s[1];
    particles_ = particles;
    return true;
  }

private:
  void particle_chain_half_step(StepContext& c, AtomsView& a, double kT) {
    const double ke2 = 2.0 * kinetic_energy(c.backend, a);
    const double scale = particles_.half_step(ke2, c.dof, kT, dt_);
    if (scale != 1.0) c.backend.scale_velocities(a, scale);
  }

  // F_j = −∂(K + U + P0 V)/∂x_j = V (P_j − P0_j), eV, of the current velocities and the last
  // force evaluation's virial.
  std::array<double, 3> generalized_forces(StepContext& c, const AtomsView& a, double volume) const {
    const auto p = pressure_tensor(c.backend.kinetic_tensor(a), c.forces.last().virial, volume);
    const double eV_per_bar = volume / units::kEvPerA3ToBar;
    std::array<double, 3> f{};
    if (iso_) {
      for (int k : axes_) f[0] += (p[k] - target_[k]) / double(axes_.size());
      f[0] *= eV_per_bar;
    } else {
      for (std::size_t i = 0; i < axes_.size(); ++i)
        f[i] = (p[axes_[i]] - target_[axes_[i]]) * eV_per_bar;
    }
    return f;
  }

  void scale_velocities(StepContext& c, const AtomsView& a, const std::array<double, 3>& f) {
    LinearMap m{};
    for (int k = 0; k < 3; ++k) m.m[k][k] = f[k];
    c.backend.map_velocities(a, m);
  }

  // Cartesian axis k stretched by f[k]: the cell's k components and the atoms' k coordinates
  // (a lower-triangular cell stays lower-triangular; a pure strain along the pressure's axes).
  void scale_cell(StepContext& c, const AtomsView& a, const std::array<double, 3>& f) {
    Mat3 rows = c.box.cell();
    for (auto& row : rows)
      for (int k = 0; k < 3; ++k) row[k] *= f[k];
    c.box = Box(rows, c.box.periodic(), "barostat");
    LinearMap m{};
    for (int k = 0; k < 3; ++k) m.m[k][k] = f[k];
    c.backend.map_positions(a, m);
  }

  // P0 dV along the path that stretches the axes one after another: exactly P0 ΔV for a
  // hydrostatic target; per-axis targets have no enthalpy, and this is their work on that path.
  void add_work(double volume, const std::array<double, 3>& log_scale) {
    for (int k : axes_) {
      const double next = volume * std::exp(log_scale[k]);
      work_ += target_[k] * (next - volume) / units::kEvPerA3ToBar;
      volume = next;
    }
  }

  // Heat = −kT ln of the ratio of the reverse step's probability to the forward one's (Gaussian
  // steps with diffusion m g kT / V, drift m g F / V), less kT ln of the Jacobian V: it equals
  // −Δ(K + U + P0 V) when the step obeys detailed balance, and what it misses is the barostat's
  // share of the integration error (Bussi's formula, written for x = ln V; finite at 0 K).
  void add_heat(const std::array<double, 3>& dx, const std::array<double, 3>& f0,
                const std::array<double, 3>& f1, double v0, double v1, double kT) {
    const double mg = mobility_ * units::kEvPerA3ToBar;
    double h = 0.0;
    for (int j = 0; j < variables_; ++j)
      h += dx[j] * dx[j] * (v1 - v0) / (4.0 * mg * dt_) + 0.5 * dx[j] * (f0[j] + f1[j]) +
           0.25 * mg * dt_ * (f1[j] * f1[j] / v1 - f0[j] * f0[j] / v0);
    heat_ += h - (0.5 * variables_ + 1.0) * kT * std::log(v1 / v0);
  }

  NptStage stage_;
  double dt_;
  NoseHooverChain particles_;
  std::vector<int> axes_;     // the barostatted axes
  bool iso_ = true;
  int variables_ = 1;         // 1 (iso) or one per barostatted axis
  double mobility_ = 0.0;     // m, 1/(bar ps)
  std::array<double, 3> target_{};  // bar, xx yy zz of this step
  double work_ = 0.0;         // eV, Σ P0 dV
  double heat_ = 0.0;         // eV, the barostat's exchanged heat (with its sign in conserved)
};

}  // namespace

std::unique_ptr<Integrator> make_crescale_npt(const NptStage& stage, double dt) {
  return std::make_unique<CRescaleNpt>(stage, dt);
}

}  // namespace mdgpu
