// What a checkpoint must satisfy beyond fitting its input (io/checkpoint.cpp): values a run can
// have written, so that a damaged or edited file is refused by name instead of running backwards
// (a negative step), from NaN positions, or with image counters that do not fit their type.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/run_plan.hpp"
#include "engine/run_state.hpp"

namespace mdgpu {

// InputError naming `file` unless every image counter fits the 32-bit counters of a run.
void check_image_counters(const std::vector<std::int64_t>& images, const std::string& file);

// InputError naming `file` and the value: steps and times that are negative, not finite or past
// the stage's end; non-finite positions, velocities, neighbour references or thermostat state.
void check_checkpoint_state(const RunState& state, const RunPlan& plan, const std::string& file);

}  // namespace mdgpu
