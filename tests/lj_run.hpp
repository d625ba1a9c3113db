// One stage of Lennard-Jones argon (the 8.5 Å shifted potential of md_fixture.hpp) from a structure
// file, on the CPU backend, every step's thermo sample recorded: the NPT tests' common run.
#pragma once

#include <string>
#include <vector>

#include "engine/simulation.hpp"
#include "io/structure.hpp"
#include "model/pair_potential.hpp"
#include "tests/md_fixture.hpp"

namespace mdgpu::testing {

inline std::vector<ThermoSample> run_argon_stage(const std::string& structure, const StageSpec& stage) {
  auto backend = make_backend("cpu");
  const System s = read_structure(structure);
  RunPlan plan;
  const LennardJonesSpec lj = argon_lj(8.5);
  plan.potential = lj;
  plan.neighbor_skin = 1.0;
  plan.stages = {stage};
  PairPotential pot(lj, s, *backend);
  Simulation sim(plan, s, *backend, pot);
  std::vector<ThermoSample> samples;
  sim.add_observer(std::make_unique<Recorder>(samples));
  sim.run();
  return samples;
}

}  // namespace mdgpu::testing
