#include "engine/integrators.hpp"

#include <cmath>
#include <type_traits>
#include <variant>

#include "core/units.hpp"
#include "engine/barostat_crescale.hpp"
#include "engine/backend_value.hpp"
#include "engine/barostat_mtk.hpp"
#include "engine/minimize.hpp"
#include "engine/nose_hoover_chain.hpp"

namespace mdgpu {
namespace {

class VelocityVerlet final : public Integrator {
public:
  explicit VelocityVerlet(double dt) : dt_(dt) {}
  void step(StepContext& c) override {
    AtomsView a = c.atoms.view();
    c.backend.kick(a, 0.5 * dt_);
    c.backend.drift(a, dt_);
    c.forces.compute(a, c.box, c.tally);
    c.backend.kick(a, 0.5 * dt_);
  }
  bool device_only() const override { return true; }
  bool same_work_every_step() const override { return true; }

private:
  double dt_;
};

// NVT with a Nosé–Hoover chain on the particles, propagated with the Trotter factorisation of
// Martyna, Tuckerman, Tobias & Klein (Mol. Phys. 87, 1117 (1996)): chain half-step,
// velocity-Verlet step, chain half-step. The chain lives in the backend's memory and its half
// steps run there (Backend::nose_hoover_half_step): a step reads nothing back.
class NoseHooverNvt final : public Integrator {
public:
  NoseHooverNvt(const NoseHooverStage& s, double dt)
      : dt_(dt), constant_target_(s.temperature.start == s.temperature.stop),
        chain_(chain_at_rest(s.chain_length, s.tdamp, s.chain_substeps)) {}

  void step(StepContext& c) override {
    AtomsView a = c.atoms.view();
    NoseHooverChainState* chain = chain_.in(c.backend.space());
    const double kT = units::kBoltzmann * c.target;
    c.backend.nose_hoover_half_step(a, chain, c.dof, kT, dt_);
    c.backend.kick(a, 0.5 * dt_);
    c.backend.drift(a, dt_);
    c.forces.compute(a, c.box, c.tally);
    c.backend.kick(a, 0.5 * dt_);
    c.backend.nose_hoover_half_step(a, chain, c.dof, kT, dt_);
  }
  double thermostat_energy() const override { return chain_energy(chain_.get()); }
  std::vector<double> state() const override { return chain_values(chain_.get()); }
  bool set_state(const std::vector<double>& s) override {
    NoseHooverChainState chain = chain_.get();
    if (!chain_from(s, chain)) return false;
    chain_.set(chain);
    return true;
  }
  bool device_only() const override { return true; }
  bool same_work_every_step() const override { return constant_target_; }
  void mark() override { chain_.mark(); }
  void rewind() override { chain_.rewind(); }

private:
  double dt_;
  bool constant_target_;  // then kT is the same at every step
  BackendValue<NoseHooverChainState> chain_;
};

// Langevin dynamics with the BAOAB splitting of Leimkuhler & Matthews (Appl. Math. Res. Express
// 2013, 34). The O step draws Philox normals keyed by (seed, atom, step): reproducible on any
// backend. The energy the friction and noise exchange is accumulated (in the backend's memory)
// so that KE + PE + heat is conserved up to discretisation error.
class LangevinBAOAB final : public Integrator {
public:
  LangevinBAOAB(const LangevinStage& s, double dt)
      : dt_(dt), c1_(std::exp(-dt / s.friction_time)), seed_(s.seed) {}

  void step(StepContext& c) override {
    AtomsView a = c.atoms.view();
    c.backend.kick(a, 0.5 * dt_);
    c.backend.drift(a, 0.5 * dt_);
    c.backend.langevin(a, c1_, units::kBoltzmann * c.target, seed_, c.step, heat_.in(c.backend.space()));
    c.backend.drift(a, 0.5 * dt_);
    c.forces.compute(a, c.box, c.tally);
    c.backend.kick(a, 0.5 * dt_);
  }
  double thermostat_energy() const override { return heat_.get(); }
  std::vector<double> state() const override { return {heat_.get()}; }
  bool set_state(const std::vector<double>& s) override {
    if (s.size() != 1) return false;
    heat_.set(s[0]);
    return true;
  }
  bool device_only() const override { return true; }
  void mark() override { heat_.mark(); }
  void rewind() override { heat_.rewind(); }

private:
  double dt_, c1_;
  std::uint64_t seed_;
  BackendValue<double> heat_;
};

// Each stage kind's integrator: one overload per StageKindSpec alternative.
std::unique_ptr<Integrator> integrator_for(const NveStage&, double dt) {
  return std::make_unique<VelocityVerlet>(dt);
}
std::unique_ptr<Integrator> integrator_for(const NoseHooverStage& s, double dt) {
  return std::make_unique<NoseHooverNvt>(s, dt);
}
std::unique_ptr<Integrator> integrator_for(const LangevinStage& s, double dt) {
  return std::make_unique<LangevinBAOAB>(s, dt);
}
std::unique_ptr<Integrator> integrator_for(const NptStage& s, double dt) {
  return s.barostat.kind == BarostatKind::CRescale ? make_crescale_npt(s, dt) : make_mtk_npt(s, dt);
}
std::unique_ptr<Integrator> integrator_for(const MinimizeStage& s, double) {
  return make_minimizer(s);
}

}  // namespace

std::unique_ptr<Integrator> make_integrator(const StageSpec& stage) {
  return std::visit([&](const auto& kind) { return integrator_for(kind, stage.timestep); },
                    stage.kind);
}

int degrees_of_freedom(const StageSpec& stage, int natoms) {
  const bool conserves_momentum = std::visit(
      [](const auto& kind) { return std::decay_t<decltype(kind)>::conserves_momentum; }, stage.kind);
  const int dof = 3 * natoms - (conserves_momentum ? 3 : 0);
  return dof > 0 ? dof : 3 * natoms;
}

double kinetic_energy(Backend& backend, const AtomsView& atoms) {
  const auto t = backend.kinetic_tensor(atoms);
  return 0.5 * (t[0] + t[1] + t[2]);
}

std::array<double, 6> pressure_tensor(const std::array<double, 6>& kinetic, const Mat3& virial,
                                      double volume) {
  const double to_bar = units::kEvPerA3ToBar / volume;
  const Mat3& w = virial;
  return {(kinetic[0] + w[0][0]) * to_bar, (kinetic[1] + w[1][1]) * to_bar,
          (kinetic[2] + w[2][2]) * to_bar, (kinetic[3] + 0.5 * (w[0][1] + w[1][0])) * to_bar,
          (kinetic[4] + 0.5 * (w[0][2] + w[2][0])) * to_bar,
          (kinetic[5] + 0.5 * (w[1][2] + w[2][1])) * to_bar};
}

}  // namespace mdgpu
