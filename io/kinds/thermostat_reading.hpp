// What the thermostatted stage kinds share: the target temperature (a constant or a ramp), how
// the dry run states it.
#pragma once

#include <string>

#include "engine/md_plan.hpp"
#include "io/stage_kinds.hpp"
#include "io/toml_section.hpp"

namespace mdgpu {

// A constant target (a number) or a linear ramp over the stage ({ start, stop }), in K.
TemperatureRamp read_temperature(const Section& s);

// "  T 300 K" or "  T 300 -> 100 K (-2 K/ps)".
std::string describe_temperature(const TemperatureRamp& t, const StageSpec& stage);

}  // namespace mdgpu
