#include "io/kinds/thermostat_reading.hpp"

namespace mdgpu {

TemperatureRamp read_temperature(const Section& s) {
  const toml::node* n = s.node("temperature");
  if (!n) s.fail_missing("temperature", " (ensembles nvt and npt need a target temperature in K)");
  if (n->is_table()) {
    const Section ramp = s.section("temperature", s.key_path("temperature"));
    ramp.allow({"start", "stop"});
    const double start = ramp.required_number("start", Rule::NonNegative);
    return {start, ramp.required_number("stop", Rule::NonNegative)};
  }
  if (!n->is_number())
    s.fail("temperature",
           fmt::format("expected a number (K) or a ramp {{ start = ..., stop = ... }}, got {}",
                       got(*n)));
  const double t = *s.number("temperature", Rule::NonNegative);
  return {t, t};
}

std::string describe_temperature(const TemperatureRamp& t, const StageSpec& stage) {
  return t.start == t.stop ? fmt::format("  T {} K", t.start)
                           : fmt::format("  T {} -> {} K ({:.4g} K/ps)", t.start, t.stop,
                                         (t.stop - t.start) / (stage.steps * stage.timestep));
}

}  // namespace mdgpu
