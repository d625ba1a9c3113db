// From a validated RunPlan to a finished run: read the structure, set velocities, pick the
// backend and potential, check the geometry, open the outputs and run every stage.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "io/run_plan.hpp"
#include "engine/simulation.hpp"
#include "core/system.hpp"
#include "model/potential.hpp"

namespace mdgpu {

// The plan in words: system, potential, stages with their steps and simulated time, outputs.
std::string describe_plan(const RunPlan& plan);

// Reads the structure and applies mass overrides and the initial-velocity rule.
System prepare_system(const RunPlan& plan);

// Throws InputError naming both atoms when two are closer than `min_distance` (Å).
void check_min_distance(const System& system, double min_distance, const std::string& where);

struct RunSummary {
  RunOutcome outcome;
  std::int64_t step;  // where the run ended
};

// A run set up from its plan: structure read, backend and potential made, memory estimated,
// analyses checked against the stages, output paths checked, outputs opened (or, continuing from
// plan.restart, the checkpoint read and the outputs cut back to it). Nothing is created or
// written before all of that has been checked. Purpose::Check (`mdgpu run --dry-run`) stops
// there: it refuses exactly what the run would refuse at start-up, with the same message, and
// writes nothing. `log` receives the header, progress lines and the summary.
class PreparedRun {
public:
  enum class Purpose { Run, Check };
  PreparedRun(const RunPlan& plan, std::function<void(const std::string&)> log,
              Purpose purpose = Purpose::Run);
  Simulation& simulation() { return *simulation_; }
  RunSummary run();

private:
  const RunPlan& plan_;
  std::function<void(const std::string&)> log_;
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Potential> potential_;
  std::unique_ptr<Simulation> simulation_;
};

// PreparedRun(plan, log).run()
RunSummary execute(const RunPlan& plan, const std::function<void(const std::string&)>& log);

}  // namespace mdgpu
