#include "io/checkpoint_checks.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace mdgpu {
namespace {

[[noreturn]] void damaged(const std::string& file, const std::string& what) {
  throw InputError(file, what + " (damaged checkpoint?)");
}

void check_finite(const Vec3Array& v, const std::string& file, const char* what) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v.x[i]) || !std::isfinite(v.y[i]) || !std::isfinite(v.z[i]))
      damaged(file, fmt::format("atom {} has non-finite {} ({}, {}, {})", i + 1, what, v.x[i],
                                v.y[i], v.z[i]));
}

}  // namespace

void check_image_counters(const std::vector<std::int64_t>& images, const std::string& file) {
  for (std::size_t k = 0; k < images.size(); ++k)
    if (images[k] < std::numeric_limits<std::int32_t>::min() ||
        images[k] > std::numeric_limits<std::int32_t>::max())
      damaged(file, fmt::format("atom {} has image counter {}, outside the 32-bit range", k / 3 + 1,
                                images[k]));
}

void check_checkpoint_state(const RunState& s, const RunPlan& plan, const std::string& file) {
  if (s.step < 0) damaged(file, fmt::format("step {} is negative", s.step));
  const std::int64_t stage_steps = plan.stages[s.stage].steps;
  if (s.stage_step < 0 || s.stage_step > stage_steps)
    damaged(file, fmt::format("step {} of stage {} is outside its 0 to {} steps", s.stage_step,
                              s.stage + 1, stage_steps));
  for (const auto& [value, what] : {std::pair{s.time, "time"}, {s.stage_start_time, "stage start time"},
                                    {s.thermostat_carried, "thermostat energy"},
                                    {s.thermostat_energy, "thermostat energy"}})
    if (!std::isfinite(value)) damaged(file, fmt::format("the {} is {}", what, value));
  if (s.time < 0) damaged(file, fmt::format("the time {} ps is negative", s.time));
  for (double v : s.integrator)
    if (!std::isfinite(v)) damaged(file, fmt::format("a thermostat variable is {}", v));
  check_finite(s.system.positions, file, "position");
  check_finite(s.system.velocities, file, "velocity");
  check_finite(s.neighbor_reference, file, "neighbour-list reference position");
}

}  // namespace mdgpu
