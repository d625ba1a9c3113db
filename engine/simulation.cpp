#include "engine/simulation.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "engine/stop_request.hpp"
#include "model/committee_potential.hpp"
#include "core/units.hpp"

namespace mdgpu {
namespace {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--:--";
  const long s = std::lround(seconds);
  return fmt::format("{}:{:02d}:{:02d}", s / 3600, (s / 60) % 60, s % 60);
}

}  // namespace

Simulation::Simulation(const MdPlan& plan, System system, Backend& backend, Potential& potential)
    : plan_(plan), system_(std::move(system)), start_cell_(system_.box.cell()), backend_(backend),
      atoms_(backend.space(), system_), force_computer_(backend, potential, plan.neighbor_skin),
      guard_(backend, plan.guard, potential), mark_(backend.space()), step_replay_(force_computer_) {
  for (const StageSpec& s : plan_.stages) total_steps_ += s.steps;
  // A host rebuild comes only from a step with host decisions, after the deferred ones were read.
  force_computer_.neighbors().set_before_rebuild([this] {
    if (guard_.flush(system_) == StepGuard::Read::Void)
      throw std::logic_error("deferred steps found void at a host rebuild");
  });
  // Both read (each clears its flag): a neighbor list or edge buffers that outgrew their slots.
  guard_.set_void_check([this] {
    const bool list = force_computer_.neighbors().settle();
    return force_computer_.potential().settle() || list;
  });
}

void Simulation::add_observer(std::unique_ptr<Observer> observer) {
  observers_.push_back(std::move(observer));
}

void Simulation::restore(const RunState& s) {
  auto fail = [](const std::string& what) { throw InputError("checkpoint", what); };
  if (s.system.size() != system_.size())
    fail(fmt::format("it holds {} atoms, the structure {}", s.system.size(), system_.size()));
  if (s.stage >= plan_.stages.size() || s.stage_step > plan_.stages[s.stage].steps)
    fail(fmt::format("it is at step {} of stage {}, which the input does not have", s.stage_step,
                     s.stage + 1));
  NeighborList& list = force_computer_.neighbors();
  if (s.neighbor_cutoff != list.cutoff() || s.neighbor_skin != list.skin())
    fail(fmt::format("its neighbor list used cut-off {} Å and skin {} Å, the input {} Å and {} Å: "
                     "the potential or neighbor.skin changed",
                     s.neighbor_cutoff, s.neighbor_skin, list.cutoff(), list.skin()));
  auto integrator = make_integrator(plan_.stages[s.stage]);
  if (!integrator->set_state(s.integrator))
    fail(fmt::format("its thermostat state does not fit stage '{}'", plan_.stages[s.stage].name));

  if (s.system.box.periodic() != system_.box.periodic())
    fail("its cell's periodicity differs from the structure's");
  system_.box = s.system.box;
  system_.positions = s.system.positions;
  system_.velocities = s.system.velocities;
  for (int k = 0; k < 3; ++k) system_.image[k] = s.system.image[k];
  atoms_ = Atoms(backend_.space(), system_);
  list.restore(atoms_.view(), Box(s.neighbor_cell, system_.box.periodic(), "checkpoint"),
               s.neighbor_reference, s.neighbor_builds);
  integrator_ = std::move(integrator);
  step_ = s.step;
  time_ = s.time;
  stage_ = s.stage;
  stage_step_ = s.stage_step;
  stage_start_time_ = s.stage_start_time;
  thermostat_carried_ = s.thermostat_carried;
  thermostat_energy_ = s.thermostat_energy;
  thermostat_stale_ = false;
  checkpoint_step_ = s.step;  // that checkpoint exists
  system_current_ = false;
  restored_ = true;
}

RunState Simulation::state() {
  RunState s;
  s.system = system();
  s.start_cell = start_cell_;
  s.step = step_;
  s.time = time_;
  s.stage = stage_;
  s.stage_step = stage_step_;
  s.stage_start_time = stage_start_time_;
  s.thermostat_carried = thermostat_carried_;
  s.thermostat_energy = thermostat_energy();
  if (integrator_) s.integrator = integrator_->state();
  const NeighborList& list = force_computer_.neighbors();
  s.neighbor_reference = list.reference();
  s.neighbor_cell = list.built_box().cell();
  s.neighbor_builds = list.builds();
  s.neighbor_cutoff = list.cutoff();
  s.neighbor_skin = list.skin();
  return s;
}

const System& Simulation::system() {
  if (!system_current_) {
    atoms_.download_state(system_);
    system_current_ = true;
  }
  return system_;
}

void Simulation::set_box(const Box& box) {
  if (box.periodic() != system_.box.periodic())
    throw InputError("box", "a new cell must keep the periodicity of the old one");
  system();  // the current positions
  const BoxData& from = system_.box.data();
  const BoxData& to = box.data();
  Vec3Array& r = system_.positions;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const double cart[3] = {r.x[i], r.y[i], r.z[i]};
    double frac[3], moved[3];
    box_to_frac(from, cart, frac);
    box_to_cart(to, frac, moved);
    r.x[i] = moved[0], r.y[i] = moved[1], r.z[i] = moved[2];
  }
  system_.box = box;
  atoms_.upload_positions(system_);
  force_computer_.compute(atoms_.view(), system_.box);
}

ThermoSample Simulation::sample(const StageSpec* stage, double target, int dof) {
  ThermoSample s;
  s.stage = stage ? stage->name : "";
  s.step = step_;
  s.time = time_;
  s.target = target;
  const ForceResult& f = force_computer_.last();
  const auto kt = backend_.kinetic_tensor(atoms_.view());
  s.kinetic = 0.5 * (kt[0] + kt[1] + kt[2]);
  s.potential = f.energy;
  s.total = s.kinetic + s.potential;
  s.conserved = s.total + thermostat_energy();
  s.temperature = dof > 0 ? 2.0 * s.kinetic / (dof * units::kBoltzmann) : 0.0;
  s.cell = system_.box.cell();
  if (system_.box.has_volume()) {
    s.volume = system_.box.volume();
    s.stress = pressure_tensor(kt, f.virial, s.volume);
    const double trace = kt[0] + kt[1] + kt[2] + f.virial[0][0] + f.virial[1][1] + f.virial[2][2];
    s.pressure = trace / (3.0 * s.volume) * units::kEvPerA3ToBar;
  } else {
    s.volume = s.pressure = std::numeric_limits<double>::quiet_NaN();
    s.stress.fill(s.volume);
  }
  return s;
}

void Simulation::observe(const ThermoSample& s, bool force_all) {
  bool any = false;
  for (const auto& o : observers_) any = any || force_all || s.step % o->every() == 0;
  if (!any) return;
  system_current_ = false;
  bool forces_current = false, energies_current = false, deviation_current = false;
  // Observed steps are due steps, which evaluate energies and so the committee's spread (run_stage).
  const CommitteePotential* committee = as_committee(force_computer_.potential());
  std::function<const std::vector<double>&()> deviation;
  if (committee)
    deviation = [this, committee, &deviation_current]() -> const std::vector<double>& {
      if (!committee->stats().fresh)
        throw std::logic_error("an observer read the committee force deviation at a step that evaluated none");
      if (!deviation_current) committee->force_deviation().download(force_deviation_host_), deviation_current = true;
      return force_deviation_host_;
    };
  const Snapshot snap(
      s, [this]() -> const System& { return system(); },
      [this, &forces_current]() -> const Vec3Array& {
        if (!forces_current) atoms_.download_forces(forces_host_), forces_current = true;
        return forces_host_;
      },
      [this, &energies_current]() -> const std::vector<double>& {
        if (!energies_current)
          force_computer_.per_atom_energy().download(per_atom_energy_host_), energies_current = true;
        return per_atom_energy_host_;
      },
      std::move(deviation));
  for (const auto& o : observers_)
    if (force_all || s.step % o->every() == 0) o->observe(snap);
}

RunOutcome Simulation::run() {
  started_ = last_progress_ = std::chrono::steady_clock::now();
  progress_step0_ = step_;
  // After a restore: the forces the saved run had at this step (same positions, same list).
  force_computer_.compute(atoms_.view(), system_.box);
  if (plan_.stages.empty()) {
    observe(sample(nullptr, 0.0, 3 * atoms_.size()), false);
  } else {
    if (!restored_) {
      start_stage();
      const StageSpec& first = plan_.stages.front();
      const TemperatureRamp* ramp = temperature_ramp(first);
      observe(sample(&first, ramp ? ramp->start : 0.0, degrees_of_freedom(first, atoms_.size())), false);
    }
    while (true) {
      if (!run_stage()) return RunOutcome::Stopped;
      if (stage_ + 1 == plan_.stages.size()) break;
      ++stage_;
      start_stage();
    }
  }
  if (checkpoint_step_ != step_) save_checkpoint();
  for (const auto& o : observers_) o->finish();
  return RunOutcome::Completed;
}

double Simulation::thermostat_energy() {
  if (thermostat_stale_) {
    thermostat_energy_ = thermostat_carried_ + integrator_->thermostat_energy();
    thermostat_stale_ = false;
  }
  return thermostat_energy_;
}

void Simulation::start_stage() {
  thermostat_carried_ = thermostat_energy();  // the last stage's: keeps the conserved quantity continuous
  integrator_ = make_integrator(plan_.stages[stage_]);
  stage_step_ = 0;
  stage_start_time_ = time_;
}

bool Simulation::run_stage() {
  const StageSpec& stage = plan_.stages[stage_];
  const int dof = degrees_of_freedom(stage, atoms_.size());
  const TemperatureRamp* ramp = temperature_ramp(stage);
  NeighborList& list = force_computer_.neighbors();
  const bool deferred = integrator_->device_only() && backend_.space() == Space::Device && !host_decisions_;
  if (deferred) {
    list.set_deferred(step_ >= redo_until_);  // the list gets its spare slots before the copy
    mark_.take(atoms_.view(), list, *integrator_, step_, stage_step_);
  }
  // The deferred steps since the mark were void: back to it, to redo them with host decisions.
  auto rewind = [&](std::int64_t& k) {
    redo_until_ = step_;
    redone_ += step_ - mark_.step();
    mark_.put_back(atoms_.view(), list, *integrator_);
    step_replay_.forget();
    step_ = mark_.step();
    stage_step_ = mark_.stage_step();
    time_ = stage_start_time_ + static_cast<double>(stage_step_) * stage.timestep;
    system_current_ = false;
    thermostat_stale_ = true;
    k = stage_step_ - 1;  // the loop's ++k takes the marked step's successor
  };
  for (std::int64_t k = stage_step_; k < stage.steps; ++k) {
    const bool deciding_on_device = deferred && step_ >= redo_until_;
    list.set_deferred(deciding_on_device);
    const double fraction = double(k + 1) / stage.steps;
    const double target = ramp ? ramp->at(fraction) : 0.0;
    // What reads the step about to be taken: its energy and virial are computed only then.
    const std::int64_t next = step_ + 1;
    bool last = next == total_steps_;
    bool due = last;
    for (const auto& o : observers_) due = due || next % o->every() == 0;
    const auto now = std::chrono::steady_clock::now();
    bool progress_due =
        progress_ && (last || (plan_.progress_interval > 0 &&
                               std::chrono::duration<double>(now - last_progress_).count() >=
                                   plan_.progress_interval));
    StepContext ctx{backend_, atoms_, force_computer_, system_.box, dof, target,
                    static_cast<std::uint64_t>(step_), due || progress_due, fraction};
    const double previous_time = time_;
    // The step's device work: recorded and replayed when it reads no energy (engine/step_replay.hpp).
    const auto device_step = [&] {
      guard_.begin_step(atoms_.view());
      integrator_->step(ctx);
      guard_.log_step(atoms_.view(), system_.box);
    };
    try {
      const bool recordable = deciding_on_device && !ctx.tally && integrator_->same_work_every_step();
      step_replay_.run(device_step, recordable, atoms_.view(), system_.box, stage_);
    } catch (const RuntimeFailure&) {
      guard_.flush(system_);  // an unstable earlier step whose verdict is unread is the cause
      throw;
    }
    system_current_ = false;
    // A minimiser that converged skips the rest of its iterations: its stage ends here, at the
    // stage's planned last step, so that later stages keep their step numbers (analyses'
    // samples, checkpoints) and the relaxed state is observed as the stage's last.
    const bool converged = integrator_->converged();
    if (converged && progress_)
      progress_(fmt::format("stage '{}': converged after {} iterations:{}", stage.name, k + 1,
                            integrator_->progress()));
    else if (!has_clock(stage) && k + 1 == stage.steps && progress_)
      progress_(fmt::format("stage '{}': NOT converged in its {} iterations (steps), the next stage "
                            "starts from where it stopped:{}",
                            stage.name, stage.steps, integrator_->progress()));
    if (converged) step_ += stage.steps - (k + 1), k = stage.steps - 1;
    ++step_;
    stage_step_ = k + 1;
    // time = stage start + k dt: no accumulated round-off
    time_ = stage_start_time_ + static_cast<double>(k + 1) * stage.timestep;
    thermostat_stale_ = true;  // read from the integrator when asked (on the device, a copy)
    if (converged) {  // the relaxed state is the stage's last: observed and reported
      last = step_ == total_steps_;
      due = true;
      progress_due = static_cast<bool>(progress_);
    }
    const bool checkpoint = checkpoint_due(previous_time);
    // The guard's verdicts are read before anything reads the state, and at each stage's end.
    // Also read at the end of a redo, so that the copy to return to is taken there.
    const bool read_now = due || progress_due || checkpoint || k + 1 == stage.steps || step_ == redo_until_;
    const StepGuard::Read read =
        guard_.check(force_computer_, system_, step_, stage.name, time_, read_now);
    if (read == StepGuard::Read::Void) {
      rewind(k);
      continue;
    }
    if (read == StepGuard::Read::Sound && deferred) mark_.take(atoms_.view(), list, *integrator_, step_, stage_step_);
    if (due || progress_due) {
      const ThermoSample s = sample(&stage, target, dof);
      if (due) observe(s, last || converged);
      if (progress_due) report_progress(s, stage.timestep, k + 1, stage.steps);
    }
    if (checkpoint) save_checkpoint();
    if (stop_requested()) {
      if (guard_.flush(system_) == StepGuard::Read::Void) {  // stops after the redone step
        rewind(k);
        continue;
      }
      if (checkpoint_step_ != step_) save_checkpoint();
      return false;
    }
  }
  list.set_deferred(false);
  return true;
}

bool Simulation::checkpoint_due(double previous_time) const {
  const CheckpointSpec& c = plan_.checkpoint;
  if (c.every > 0 && step_ % c.every == 0) return true;
  if (c.every_ps <= 0) return false;
  // A multiple of every_ps was crossed (to 1e-9 of it: times carry round-off).
  const auto slot = [&c](double t) { return std::floor(t / c.every_ps + 1e-9); };
  return slot(time_) > slot(previous_time);
}

void Simulation::save_checkpoint() {
  if (checkpoint_) checkpoint_(state());
  checkpoint_step_ = step_;
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
      "E = {:.6g} eV  {}  elapsed {}  ETA {}",
      s.stage, s.step, total_steps_, stage_step, stage_steps, s.time, s.temperature, s.potential,
      s.total,
      // a minimisation has no clock: its speed is iterations per second
      timestep > 0 ? fmt::format("{:.3g} ns/day", ns_per_day) : fmt::format("{:.3g} iterations/s", rate),
      format_duration(elapsed), format_duration(eta)) +
            integrator_->progress());
  last_progress_ = now;
  progress_step0_ = s.step;
}

}  // namespace mdgpu
