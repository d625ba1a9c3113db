// The MD loop: stages in order, one integrator per stage, observers at their intervals.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "engine/atoms.hpp"
#include "engine/forces.hpp"
#include "engine/integrators.hpp"
#include "engine/observer.hpp"
#include "engine/run_plan.hpp"

namespace mdgpu {

class Simulation {
public:
  // `system` must already carry its initial velocities. Uploads it to the backend.
  Simulation(const RunPlan& plan, System system, Backend& backend, Potential& potential);

  void add_observer(std::unique_ptr<Observer> observer);
  // Called with a progress line every plan.progress_interval seconds of wall time.
  void set_progress_sink(std::function<void(const std::string&)> sink) { progress_ = std::move(sink); }

  void run();  // every stage of the plan, then observers' finish()

  // The current state copied back from the backend.
  const System& system();
  std::int64_t step() const { return step_; }
  const ForceResult& forces() const { return forces_.last(); }
  ForceComputer& force_computer() { return forces_; }

private:
  void run_stage(std::size_t index);
  ThermoSample sample(const StageSpec* stage, double target, int dof);
  void observe(const ThermoSample& s, bool force_all);
  void report_progress(const ThermoSample& s, double timestep, std::int64_t stage_step,
                       std::int64_t stage_steps);

  const RunPlan& plan_;
  System system_;
  Backend& backend_;
  Atoms atoms_;
  ForceComputer forces_;
  std::vector<std::unique_ptr<Observer>> observers_;
  std::function<void(const std::string&)> progress_;

  std::int64_t step_ = 0;
  std::int64_t total_steps_ = 0;
  double time_ = 0.0;
  double thermostat_energy_ = 0.0;  // carried by the current stage's integrator
  bool system_current_ = false;
  Vec3Array forces_host_;
  std::vector<double> per_atom_energy_host_;
  std::chrono::steady_clock::time_point started_, last_progress_;
  std::int64_t progress_step0_ = 0;
};

}  // namespace mdgpu
