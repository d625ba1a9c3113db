// Runs with on-the-fly analyses, as the tests of the analyses need them: Rahman's liquid-argon
// protocol, and a run of a plan with its [analysis.*] observers.
#pragma once

#include <functional>
#include <string>

#include "analysis/observers.hpp"
#include "core/units.hpp"
#include "engine/simulation.hpp"
#include "model/pair_potential.hpp"
#include "tests/md_fixture.hpp"

namespace mdgpu::testing {

// Rahman's argon (Phys. Rev. 136, A405 (1964)): Lennard-Jones with ε/k_B = 120 K and σ = 3.4 Å,
// cut and shifted at 8.5 Å; 10 fs steps; melt at 300 K and cool to 94.4 K under Langevin, then a
// "prod" stage under a gentle Nosé–Hoover thermostat (1 ps).
inline RunPlan rahman_plan(std::int64_t melt_steps, std::int64_t cool_steps,
                           std::int64_t production_steps) {
  RunPlan plan;
  LennardJonesSpec rahman = argon_lj(8.5);
  rahman.pairs[0].epsilon = 120.0 * units::kBoltzmann;
  plan.potential = rahman;
  plan.neighbor_skin = 1.0;
  StageSpec melt = langevin_stage(300.0, 0.01, melt_steps);
  melt.name = "melt";
  StageSpec cool = langevin_stage(94.4, 0.01, cool_steps);
  cool.name = "cool";
  StageSpec prod = nose_hoover_stage(94.4, 0.01, production_steps);
  prod.name = "prod";
  std::get<NoseHooverStage>(prod.kind).tdamp = 1.0;
  plan.stages = {melt, cool, prod};
  return plan;
}

// Runs `plan` from `system` with its analyses (their summaries go to `log`). One thread: CI runs
// two tests at once on two cores, where spinning OpenMP threads of two processes slow each other
// down many times over.
inline void run_with_analyses(const RunPlan& plan, System system,
                              const std::function<void(const std::string&)>& log) {
  auto backend = make_backend("cpu", 1);
  PairPotential pot(std::get<LennardJonesSpec>(plan.potential), system, *backend);
  auto observers = make_analysis_observers(plan, system, log);
  Simulation sim(plan, system, *backend, pot);
  for (auto& o : observers) sim.add_observer(std::move(o));
  sim.run();
}

}  // namespace mdgpu::testing
