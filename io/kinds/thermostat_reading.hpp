// What the thermostatted stage kinds share: the target temperature (a constant or a ramp), how
// the dry run states it, and the particles' Nosé–Hoover chain of the NVT and NPT kinds.
#pragma once

#include <string>

#include "engine/md_plan.hpp"
#include "io/input_limits.hpp"
#include "io/stage_kinds.hpp"
#include "io/toml_section.hpp"

namespace mdgpu {

// A constant target (a number) or a linear ramp over the stage ({ start, stop }), in K.
TemperatureRamp read_temperature(const Section& s);

// "  T 300 K" or "  T 300 -> 100 K (-2 K/ps)".
std::string describe_temperature(const TemperatureRamp& t, const StageSpec& stage);

// The Nosé–Hoover chain of a stage kind with `temperature`, `tdamp`, `chain_length` and
// `chain_substeps` (NoseHooverStage, NptStage), its temperature already read.
template <class Spec>
void read_nose_hoover_chain(const Section& s, const StageSpec& stage, Spec& spec) {
  // The chain's thermostat masses are proportional to the target temperature (as in LAMMPS,
  // which refuses 0 K for fix nvt too).
  if (spec.temperature.start <= 0 || spec.temperature.stop <= 0)
    s.fail("temperature",
           "Nose-Hoover needs a target temperature above 0 K; use thermostat = "
           "\"langevin\" to cool to 0 K");
  spec.tdamp = time_ps(s, "tdamp").value_or(100 * stage.timestep);
  spec.chain_length =
      static_cast<int>(s.integer("chain_length", 1, kMaxChainLength).value_or(spec.chain_length));
  spec.chain_substeps = static_cast<int>(
      s.integer("chain_substeps", 1, kMaxChainSubsteps).value_or(spec.chain_substeps));
}

// The dry run's and the checkpoint record's account of that chain.
template <class Spec>
std::string describe_nose_hoover_chain(const StageSpec& stage, const Spec& spec) {
  return describe_temperature(spec.temperature, stage) +
         fmt::format("  tdamp {} ps, chain {}", spec.tdamp, spec.chain_length);
}
template <class Spec>
std::string record_nose_hoover_chain(const Spec& spec) {
  return fmt::format(", nose-hoover {} -> {} K, tdamp {} ps, chain {} x {}", spec.temperature.start,
                     spec.temperature.stop, spec.tdamp, spec.chain_length, spec.chain_substeps);
}

}  // namespace mdgpu
