// Everything beyond the input file that continuing a run exactly needs: what a checkpoint holds
// (io/checkpoint.hpp) and Simulation::restore takes back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/system.hpp"

namespace mdgpu {

struct RunState {
  System system;                    // positions, velocities, image counters, current cell, species,
                                    // masses
  Mat3 start_cell{};                // the cell the run began in (the structure's), Å
  std::int64_t step = 0;            // steps done in the whole run
  double time = 0.0;                // ps
  std::size_t stage = 0;            // index of the stage the run is in
  std::int64_t stage_step = 0;      // steps done in it (its position in a temperature ramp)
  double stage_start_time = 0.0;    // ps when it began
  double thermostat_carried = 0.0;  // eV of thermostat energy from the stages before it
  double thermostat_energy = 0.0;   // eV, that plus the current integrator's
  std::vector<double> integrator;   // its integrator's variables (Integrator::state)
  Vec3Array neighbor_reference;     // positions the neighbor list was last built from
  Mat3 neighbor_cell{};             // Å, the cell it was built in
  std::int64_t neighbor_builds = 0;
  double neighbor_cutoff = 0.0;     // Å
  double neighbor_skin = 0.0;       // Å
};

}  // namespace mdgpu
