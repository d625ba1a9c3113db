// The MD loop: stages in order, one integrator per stage, observers at their intervals, the
// instability guard after every step, checkpoints on their clock, and a clean stop on request.
// Deferred steps: on the device, a stage whose integrator reads nothing back
// (Integrator::device_only: NVE, Nosé–Hoover and Langevin NVT) lets the neighbor list decide its rebuilds on the device
// (engine/neighbor_list.hpp), so that a step without output asks the host nothing. Whenever the
// guard's verdicts are read, the list's flags are read with them; if its fixed capacity
// overflowed, the steps since the last read are void: the run goes back to the copy taken then
// (engine/step_mark.hpp) and redoes them with host decisions (a host build sizes the capacity
// anew), bitwise as it would have run them, then defers again. A deferred step that reads no
// energy is recorded once and replayed as one launch (engine/step_replay.hpp). Other stages
// decide on the host.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "engine/atoms.hpp"
#include "engine/forces.hpp"
#include "engine/integrators.hpp"
#include "engine/observer.hpp"
#include "engine/md_plan.hpp"
#include "engine/run_state.hpp"
#include "engine/step_guard.hpp"
#include "engine/step_mark.hpp"
#include "engine/step_replay.hpp"

namespace mdgpu {

enum class RunOutcome { Completed, Stopped };

class Simulation {
public:
  // `system` must already carry its initial velocities. Uploads it to the backend.
  Simulation(const MdPlan& plan, System system, Backend& backend, Potential& potential);
  // The neighbor list's rebuild hook holds `this`.
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  void add_observer(std::unique_ptr<Observer> observer);
  const std::vector<std::unique_ptr<Observer>>& observers() const { return observers_; }
  // Called with a progress line every plan.progress_interval seconds of wall time.
  void set_progress_sink(std::function<void(const std::string&)> sink) { progress_ = std::move(sink); }
  // Called with the state to save: on plan.checkpoint's clock, when a stop is requested (after
  // that step's observers) and at the end.
  void set_checkpoint_sink(std::function<void(const RunState&)> sink) { checkpoint_ = std::move(sink); }

  // Continues from a checkpoint instead of the start (call before run()): the atoms, the
  // integrator's variables and the neighbor list as last built, so that the run goes on bitwise
  // as the one that saved it. Observers are not called again at the restored step. Throws
  // InputError when the state does not fit the plan.
  void restore(const RunState& state);

  // Changes the cell to `box` (same periodicity), moving every atom with it (its fractional
  // coordinates kept: r -> r H_old⁻¹ H_new, velocities as they are), and recomputes the forces.
  // The neighbor list rebuilds only when the change exceeds what its skin covers.
  void set_box(const Box& box);
  const Box& box() const { return system_.box; }

  // Every stage of the plan (from the restored point), then observers' finish(); Stopped when
  // stop_requested() (engine/stop_request.hpp) ended it early, after a checkpoint.
  RunOutcome run();

  const System& system();                // the current state copied back from the backend
  RunState state();                      // everything a checkpoint saves
  std::int64_t step() const { return step_; }
  const ForceResult& forces() const { return force_computer_.last(); }
  ForceComputer& force_computer() { return force_computer_; }
  const Atoms& atoms() const { return atoms_; }

  // Host decisions throughout (the path deferred steps are redone on), for comparisons.
  void set_host_decisions(bool on) { host_decisions_ = on; }
  std::int64_t redone_steps() const { return redone_; }  // void deferred steps redone so far
  // Deferred steps replayed as recorded (on by default), or each issued as it comes, for comparisons.
  void set_step_replay(bool on) { step_replay_.set_enabled(on); }
  std::int64_t step_replays() const { return step_replay_.replays(); }  // steps run from a recording

private:
  void start_stage();  // a fresh integrator for stage_, from its first step
  bool run_stage();    // the rest of stage_; false when stopped
  bool checkpoint_due(double previous_time) const;
  void save_checkpoint();
  ThermoSample sample(const StageSpec* stage, double target, int dof);
  double thermostat_energy();  // carried + the current integrator's (read back when stale)
  void observe(const ThermoSample& s, bool force_all);
  void report_progress(const ThermoSample& s, double timestep, std::int64_t stage_step,
                       std::int64_t stage_steps);

  const MdPlan& plan_;
  System system_;  // the state between downloads; its box is the current cell
  Mat3 start_cell_;
  Backend& backend_;
  Atoms atoms_;
  ForceComputer force_computer_;
  StepGuard guard_;
  std::vector<std::unique_ptr<Observer>> observers_;
  std::function<void(const std::string&)> progress_;
  std::function<void(const RunState&)> checkpoint_;

  // Where the run is; all of it is in RunState.
  std::int64_t step_ = 0;
  double time_ = 0.0;
  std::size_t stage_ = 0;
  std::int64_t stage_step_ = 0;
  double stage_start_time_ = 0.0;
  double thermostat_carried_ = 0.0;  // from the stages before stage_
  std::unique_ptr<Integrator> integrator_;
  bool restored_ = false;
  StepMark mark_;
  StepReplay step_replay_;
  bool host_decisions_ = false;
  std::int64_t redo_until_ = -1;  // steps before it are redone with host decisions
  std::int64_t redone_ = 0;

  std::int64_t total_steps_ = 0;
  std::int64_t checkpoint_step_ = -1;  // step of the last checkpoint written
  double thermostat_energy_ = 0.0;     // carried + the current integrator's, when last read
  bool thermostat_stale_ = false;      // steps taken since
  bool system_current_ = false;
  Vec3Array forces_host_;
  std::vector<double> per_atom_energy_host_, force_deviation_host_;
  std::chrono::steady_clock::time_point started_, last_progress_;
  std::int64_t progress_step0_ = 0;
};

}  // namespace mdgpu
