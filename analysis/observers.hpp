// The [analysis.*] tables of a run as observers. Each samples every `every` steps and runs one
// analysis per analysed stage (every stage unless `stages` says otherwise), writing its results —
// <path>_<stage>.csv/.h5 in the output directory — and a summary to the log as soon as the
// stage's last sample is in. Their state goes into checkpoints, so a restarted run continues.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/observer.hpp"
#include "io/run_plan.hpp"

namespace mdgpu {

// Checks every analysis against the structure and the stages (InputError naming the key).
std::vector<std::unique_ptr<Observer>> make_analysis_observers(
    const RunPlan& plan, const System& system, const std::function<void(const std::string&)>& log);

// One line per analysis for the plan's description: what, how often, which files.
std::string describe_analyses(const RunPlan& plan);

// Every file the plan's analyses write, for the check that no output is overwritten.
std::vector<std::filesystem::path> analysis_output_paths(const RunPlan& plan);

}  // namespace mdgpu
