// What the stage kinds that move the cell share (NPT's barostat, a minimisation's cell): the
// coupling, the target pressure (a number, 3 or 6 components, or a ramp) and the barostatted axes.
// Keys and meaning: docs/input.md ("NPT stages", "Minimisation stages").
#pragma once

#include <string>

#include "engine/md_plan.hpp"
#include "io/toml_section.hpp"

namespace mdgpu {

// coupling = "iso" (default), "aniso" or "tri".
Coupling read_coupling(const Section& b);

// `pressure`: required; a number (hydrostatic), 3 (xx yy zz) or 6 (xx yy zz yz xz xy) numbers
// as `coupling` allows, in bar, or a ramp { start, stop } of those.
PressureRamp read_pressure(const Section& b, Coupling coupling);

// `axes`: "xyz" by default; any of its letters once each.
std::array<bool, 3> read_barostat_axes(const Section& b);

// "iso", "aniso" or "tri"; "xz" (the barostatted axes).
std::string_view coupling_name(Coupling coupling);
std::string axes_name(const std::array<bool, 3>& axes);

}  // namespace mdgpu
