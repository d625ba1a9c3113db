#include "engine/barostat_mtk.hpp"

#include <cmath>

#include "core/units.hpp"
#include "engine/nose_hoover_chain.hpp"

namespace mdgpu {
namespace {

// Voigt indices of the strain rates ω̇ and of pressures: xx yy zz yz xz xy (LAMMPS's order).
constexpr int kYz = 3, kXz = 4, kXy = 5;

// The cell as LAMMPS's h: lengths of the diagonal and the tilts yz, xz, xy of a lower-triangular
// row matrix (a = (h0, 0, 0), b = (h5, h1, 0), c = (h4, h3, h2)).
std::array<double, 6> voigt_cell(const Mat3& m) {
  return {m[0][0], m[1][1], m[2][2], m[2][1], m[2][0], m[1][0]};
}

Mat3 rows_of(const std::array<double, 6>& h, const Mat3& old) {
  Mat3 m = old;
  m[0][0] = h[0], m[1][1] = h[1], m[2][2] = h[2];
  m[2][1] = h[kYz], m[2][0] = h[kXz], m[1][0] = h[kXy];
  return m;
}

class MtkNpt final : public Integrator {
public:
  MtkNpt(const NptStage& s, double dt)
      : stage_(s), dt_(dt), particles_(s.chain_length, s.tdamp, s.chain_substeps),
        cell_chain_(s.barostat.chain_length, s.barostat.pdamp, 1, true) {
    const BarostatSpec& b = s.barostat;
    for (int k = 0; k < 3; ++k) active_[k] = b.axes[k];
    const bool tri = b.coupling == Coupling::Tri;
    active_[kYz] = tri && b.axes[1] && b.axes[2];
    active_[kXz] = tri && b.axes[0] && b.axes[2];
    active_[kXy] = tri && b.axes[0] && b.axes[1];
    for (int k = 0; k < 3; ++k) pdim_ += active_[k] ? 1 : 0;
    for (bool a : active_) cell_dof_ += a ? 1 : 0;
    if (b.coupling == Coupling::Iso) cell_dof_ = 1;  // one strain rate shared by the axes
  }

  void step(StepContext& c) override {
    AtomsView a = c.atoms.view();
    if (volume0_ == 0.0) volume0_ = c.box.volume();
    kT_ = units::kBoltzmann * c.target;
    mass_ = (a.n + 1) * kT_ * stage_.barostat.pdamp * stage_.barostat.pdamp;
    target_pressure(c.fraction);

    cell_chain_half_step();
    particle_chain_half_step(c, a);
    strain_rate_half_step(c, a);
    scale_velocities(c, a);
    c.backend.kick(a, 0.5 * dt_);
    move_cell(c, a);
    c.backend.drift(a, dt_);
    move_cell(c, a);
    c.forces.compute(a, c.box);
    c.backend.kick(a, 0.5 * dt_);
    scale_velocities(c, a);
    strain_rate_half_step(c, a);
    particle_chain_half_step(c, a);
    cell_chain_half_step();
    box_volume_ = c.box.volume();
  }

  // Particles' and cell's chains, the cell's kinetic energy and the work done against the target
  // (LAMMPS: p_hydro (V − V0)).
  double thermostat_energy() const override {
    double e = particles_.energy() + cell_chain_.energy();
    for (int k = 0; k < 6; ++k)
      if (active_[k]) e += 0.5 * mass_ * omega_dot_[k] * omega_dot_[k];
    if (volume0_ > 0.0) e += hydrostatic_ * (box_volume_ - volume0_) / units::kEvPerA3ToBar;
    return e;
  }

  std::vector<double> state() const override {
    std::vector<double> s(omega_dot_.begin(), omega_dot_.end());
    s.push_back(volume0_);
    s.push_back(box_volume_);
    const auto p = particles_.state(), q = cell_chain_.state();
    s.insert(s.end(), p.begin(), p.end());
    s.insert(s.end(), q.begin(), q.end());
    return s;
  }

  bool set_state(const std::vector<double>& s) override {
    const std::size_t np = 2 * static_cast<std::size_t>(stage_.chain_length);
    const std::size_t nq = 2 * static_cast<std::size_t>(stage_.barostat.chain_length);
    if (s.size() != 8 + np + nq) return false;
    NoseHooverChain particles = particles_, cell = cell_chain_;
    if (!particles.set_state({s.begin() + 8, s.begin() + 8 + long(np)}) ||
        !cell.set_state({s.begin() + 8 + long(np), s.end()}))
      return false;
    for (int k = 0; k < 6; ++k) omega_dot_[k] = s[k];
    volume0_ = s[6];
    box_volume_ = s[7];
    particles_ = particles;
    cell_chain_ = cell;
    return true;
  }

private:
  void target_pressure(double fraction) {
    hydrostatic_ = 0.0;
    for (int k = 0; k < 6; ++k) target_[k] = stage_.barostat.pressure.at(k, fraction);
    for (int k = 0; k < 3; ++k)
      if (active_[k]) hydrostatic_ += target_[k] / pdim_;
  }

  // Twice the cell's kinetic energy, Σ W ω̇² over the barostatted components.
  double cell_ke2() const {
    double ke2 = 0.0;
    for (int k = 0; k < 6; ++k)
      if (active_[k]) ke2 += mass_ * omega_dot_[k] * omega_dot_[k];
    return ke2;
  }

  void cell_chain_half_step() {
    const double scale = cell_chain_.half_step(cell_ke2(), cell_dof_, kT_, dt_);
    for (double& w : omega_dot_) w *= scale;
  }

  void particle_chain_half_step(StepContext& c, AtomsView& a) {
    const double ke2 = 2.0 * kinetic_energy(c.backend, a);
    const double scale = particles_.half_step(ke2, c.dof, kT_, dt_);
    if (scale != 1.0) c.backend.scale_velocities(a, scale);
  }

  // Half a step of the cell's momenta under the pressure the atoms exert now (current kinetic
  // tensor, virial of the last force evaluation) against the target.
  void strain_rate_half_step(StepContext& c, const AtomsView& a) {
    const auto kt = c.backend.kinetic_tensor(a);  // xx yy zz xy xz yz
    const auto t = pressure_tensor(kt, c.forces.last().virial, c.box.volume());
    std::array<double, 6> p{t[0], t[1], t[2], t[5], t[4], t[3]};  // Voigt, as ω̇
    double mvv = 0.0;  // the MTK term: kinetic energy of the barostatted axes per atom
    for (int k = 0; k < 3; ++k)
      if (active_[k]) mvv += kt[k];
    mvv /= pdim_ * a.n;
    if (stage_.barostat.coupling == Coupling::Iso) {
      double mean = 0.0;
      for (int k = 0; k < 3; ++k)
        if (active_[k]) mean += p[k] / pdim_;
      for (int k = 0; k < 3; ++k) p[k] = mean;
    }
    const double half = 0.5 * dt_;
    const double per_bar = c.box.volume() / (mass_ * units::kEvPerA3ToBar);
    for (int k = 0; k < 3; ++k)
      if (active_[k]) omega_dot_[k] += ((p[k] - target_[k]) * per_bar + mvv / mass_) * half;
    mtk_rate_ = 0.0;
    for (int k = 0; k < 3; ++k)
      if (active_[k]) mtk_rate_ += omega_dot_[k];
    mtk_rate_ /= pdim_ * a.n;
    for (int k = 3; k < 6; ++k)
      if (active_[k]) omega_dot_[k] += (p[k] - target_[k]) * per_bar * half;
  }

  // v <- F (1 − dt/2 U) F v with F = exp(−dt/4 (ω̇_kk + MTK rate)) and U the tilt rates: the
  // velocities' drag by the cell's motion over half a step, as one linear map.
  void scale_velocities(StepContext& c, const AtomsView& a) {
    double f[3];
    for (int k = 0; k < 3; ++k) f[k] = std::exp(-0.25 * dt_ * (omega_dot_[k] + mtk_rate_));
    const double h = 0.5 * dt_;
    // Column form A = F S F with S = 1 − h U; the kernel takes rows (v · M), so M = Aᵀ.
    const double s[3][3] = {{1.0, -h * omega_dot_[kXy], -h * omega_dot_[kXz]},
                            {0.0, 1.0, -h * omega_dot_[kYz]},
                            {0.0, 0.0, 1.0}};
    LinearMap m{};
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) m.m[j][i] = f[i] * s[i][j] * f[j];
    c.backend.map_velocities(a, m);
  }

  // Half a step of h' = ω h: the tilts by the symmetric splitting LAMMPS uses, the lengths
  // exactly; iso and aniso scale whole lattice vectors. Atoms keep their fractional coordinates.
  void move_cell(StepContext& c, const AtomsView& a) {
    const double d = 0.5 * dt_;
    const Mat3& old = c.box.cell();
    Mat3 rows = old;
    if (stage_.barostat.coupling == Coupling::Tri) {
      std::array<double, 6> h = voigt_cell(old);
      tilt_half(h, d);
      for (int k = 0; k < 3; ++k)
        if (active_[k]) h[k] *= std::exp(d * omega_dot_[k]);
      tilt_half(h, d);
      rows = rows_of(h, old);
    } else {
      for (int k = 0; k < 3; ++k) {
        const double f = active_[k] ? std::exp(d * omega_dot_[k]) : 1.0;
        for (double& x : rows[k]) x *= f;
      }
    }
    const Box moved(rows, c.box.periodic(), "barostat");
    const BoxData& from = c.box.data();
    const BoxData& to = moved.data();
    LinearMap m{};
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        for (int k = 0; k < 3; ++k) m.m[i][j] += from.hinv[i][k] * to.h[k][j];
    c.backend.map_positions(a, m);
    c.box = moved;
  }

  void tilt_half(std::array<double, 6>& h, double d) const {
    const auto& w = omega_dot_;
    auto xz = [&] {
      const double e = std::exp(0.125 * d * w[0]);
      h[kXz] = (h[kXz] * e + 0.25 * d * (w[kXy] * h[kYz] + w[kXz] * h[2])) * e;
    };
    if (active_[kXz]) xz();
    if (active_[kYz]) {
      const double e = std::exp(0.25 * d * w[1]);
      h[kYz] = (h[kYz] * e + 0.5 * d * w[kYz] * h[2]) * e;
    }
    if (active_[kXy]) {
      const double e = std::exp(0.25 * d * w[0]);
      h[kXy] = (h[kXy] * e + 0.5 * d * w[kXy] * h[1]) * e;
    }
    if (active_[kXz]) xz();
  }

  NptStage stage_;
  double dt_;
  NoseHooverChain particles_, cell_chain_;
  std::array<bool, 6> active_{};
  int pdim_ = 0, cell_dof_ = 0;
  std::array<double, 6> omega_dot_{};  // strain rates, 1/ps
  std::array<double, 6> target_{};     // bar
  double hydrostatic_ = 0.0;           // bar, mean target over the barostatted axes
  double mtk_rate_ = 0.0;              // Σ ω̇_kk / (pdim N)
  double kT_ = 0.0, mass_ = 0.0;       // eV; cell mass W = (N + 1) kT pdamp², eV ps²
  double volume0_ = 0.0;  // Å³ at the stage's first step (0 before it: checkpoints hold no NaN)
  double box_volume_ = 0.0;
};

}  // namespace

std::string barostat_cell_problem(const BarostatSpec& barostat, const Box& box) {
  for (int k = 0; k < 3; ++k)
    if (barostat.axes[k] && !box.periodic()[k])
      return std::string("axis ") + "xyz"[k] + " is open (not periodic): a barostat needs periodic axes";
  if (!box.has_volume()) return "the cell has no volume";
  if (barostat.coupling == Coupling::Iso) return {};
  const Mat3& m = box.cell();
  if (m[0][1] != 0.0 || m[0][2] != 0.0 || m[1][2] != 0.0)
    return "aniso and tri couplings need a lower-triangular cell (a along x, b in the xy plane, as "
           "LAMMPS's), this one is rotated";
  return {};
}

std::unique_ptr<Integrator> make_mtk_npt(const NptStage& stage, double dt) {
  return std::make_unique<MtkNpt>(stage, dt);
}

}  // namespace mdgpu
