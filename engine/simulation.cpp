#include "engine/simulation.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "engine/units.hpp"

namespace mdgpu {
namespace {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--:--";
  const long s = std::lround(seconds);
  return fmt::format("{}:{:02d}:{:02d}", s / 3600, (s / 60) % 60, s % 60);
}

}  // namespace

Simulation::Simulation(const RunPlan& plan, System system, Backend& backend, Potential& potential)
    : plan_(plan), system_(std::move(system)), backend_(backend),
      atoms_(backend.space(), system_), forces_(backend, potential, plan.neighbor_skin) {
  for (const StageSpec& s : plan_.stages) total_steps_ += s.steps;
}

void Simulation::add_observer(std::unique_ptr<Observer> observer) {
  observers_.push_back(std::move(observer));
}

const System& Simulation::system() {
  if (!system_current_) {
    atoms_.download_state(system_);
    system_current_ = true;
  }
  return system_;
}

ThermoSample Simulation::sample(const StageSpec* stage, double target, int dof) {
  ThermoSample s;
  s.stage = stage ? stage->name : "";
  s.step = step_;
  s.time = time_;
  s.target = target;
  const ForceResult& f = forces_.last();
  const auto kt = backend_.kinetic_tensor(atoms_.view());
  s.kinetic = 0.5 * (kt[0] + kt[1] + kt[2]);
  s.potential = f.energy;
  s.total = s.kinetic + s.potential;
  s.conserved = s.total + thermostat_energy_;
  s.temperature = dof > 0 ? 2.0 * s.kinetic / (dof * units::kBoltzmann) : 0.0;
  if (system_.box.has_volume()) {
    s.volume = system_.box.volume();
    const double trace = kt[0] + kt[1] + kt[2] + f.virial[0][0] + f.virial[1][1] + f.virial[2][2];
    s.pressure = trace / (3.0 * s.volume) * units::kEvPerA3ToBar;
  } else {
    s.volume = s.pressure = std::numeric_limits<double>::quiet_NaN();
  }
  return s;
}

void Simulation::observe(const ThermoSample& s, bool force_all) {
  bool any = false;
  for (const auto& o : observers_) any = any || force_all || s.step % o->every() == 0;
  if (!any) return;
  system_current_ = false;
  bool forces_current = false, energies_current = false;
  const Snapshot snap(
      s, [this]() -> const System& { return system(); },
      [this, &forces_current]() -> const Vec3Array& {
        if (!forces_current) atoms_.download_forces(forces_host_), forces_current = true;
        return forces_host_;
      },
      [this, &energies_current]() -> const std::vector<double>& {
        if (!energies_current)
          forces_.per_atom_energy().download(per_atom_energy_host_), energies_current = true;
        return per_atom_energy_host_;
      });
  for (const auto& o : observers_)
    if (force_all || s.step % o->every() == 0) o->observe(snap);
}

void Simulation::run() {
  started_ = last_progress_ = std::chrono::steady_clock::now();
  forces_.compute(atoms_.view(), system_.box);
  const StageSpec* first = plan_.stages.empty() ? nullptr : &plan_.stages.front();
  const int dof0 = first ? degrees_of_freedom(*first, atoms_.size()) : 3 * atoms_.size();
  observe(sample(first, first ? first->temperature.start : 0.0, dof0), false);
  for (std::size_t k = 0; k < plan_.stages.size(); ++k) run_stage(k);
  for (const auto& o : observers_) o->finish();
}

void Simulation::run_stage(std::size_t index) {
  const StageSpec& stage = plan_.stages[index];
  auto integrator = make_integrator(stage);
  const int dof = degrees_of_freedom(stage, atoms_.size());
  const double carried = thermostat_energy_;  // keeps the conserved quantity continuous
  const double time0 = time_;                 // time = time0 + k dt: no accumulated round-off
  for (std::int64_t k = 0; k < stage.steps; ++k) {
    const double target =
        stage.ensemble == Ensemble::NVE ? 0.0 : stage.temperature.at(double(k + 1) / stage.steps);
    StepContext ctx{backend_, atoms_, forces_, system_.box, dof, target,
                    static_cast<std::uint64_t>(step_)};
    integrator->step(ctx);
    ++step_;
    time_ = time0 + static_cast<double>(k + 1) * stage.timestep;
    thermostat_energy_ = carried + integrator->thermostat_energy();
    const bool last = step_ == total_steps_;
    bool due = last;
    for (const auto& o : observers_) due = due || step_ % o->every() == 0;
    const auto now = std::chrono::steady_clock::now();
    const bool progress_due =
        progress_ && (last || (plan_.progress_interval > 0 &&
                               std::chrono::duration<double>(now - last_progress_).count() >=
                                   plan_.progress_interval));
    if (!due && !progress_due) continue;
    const ThermoSample s = sample(&stage, target, dof);
    if (due) observe(s, last);
    if (progress_due) report_progress(s, stage.timestep, k + 1, stage.steps);
  }
}

void Simulation::report_progress(const ThermoSample& s, double timestep, std::int64_t stage_step,
                                 std::int64_t stage_steps) {
  const auto now = std::chrono::steady_clock::now();
  const double wall = std::chrono::duration<double>(now - last_progress_).count();
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  const double steps_done = static_cast<double>(s.step - progress_step0_);
  const double rate = wall > 0 ? steps_done / wall : 0.0;  // steps/s over the last interval
  const double ns_per_day = rate * timestep * 1e-3 * 86400.0;
  const double eta = rate > 0 ? (total_steps_ - s.step) / rate : NAN;
  progress_(fmt::format(
      "[{}] step {}/{} ({}/{} in stage)  t = {:.3f} ps  T = {:.1f} K  PE = {:.6g} eV  "
      "E = {:.6g} eV  {:.3g} ns/day  elapsed {}  ETA {}",
      s.stage, s.step, total_steps_, stage_step, stage_steps, s.time, s.temperature, s.potential,
      s.total, ns_per_day, format_duration(elapsed), format_duration(eta)));
  last_progress_ = now;
  progress_step0_ = s.step;
}

}  // namespace mdgpu
