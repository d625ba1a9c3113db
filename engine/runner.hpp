// From a validated RunPlan to a finished run: read the structure, set velocities, pick the
// backend and potential, check the geometry, open the outputs and run every stage.
#pragma once

#include <functional>
#include <string>

#include "engine/run_plan.hpp"
#include "engine/system.hpp"

namespace mdgpu {

// The plan in words: system, potential, stages with their steps and simulated time, outputs.
std::string describe_plan(const RunPlan& plan);

// Reads the structure and applies mass overrides and the initial-velocity rule.
System prepare_system(const RunPlan& plan);

// Throws InputError naming both atoms when two are closer than `min_distance` (Å).
void check_min_distance(const System& system, double min_distance, const std::string& where);

// Runs the plan; `log` receives the header, progress lines and the summary.
void execute(const RunPlan& plan, const std::function<void(const std::string&)>& log);

}  // namespace mdgpu
