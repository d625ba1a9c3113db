// The guard's verdicts read several steps at a time on the device (engine/step_guard.hpp): a run
// that blows up between two reads stops with the message the host, which reads every verdict at
// once, gives for the same run: the same step, atom and quantity.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "core/errors.hpp"
#include "engine/simulation.hpp"
#include "engine/velocities.hpp"
#include "model/pair_potential.hpp"
#include "tests/backends.hpp"
#include "tests/md_fixture.hpp"

namespace mdgpu {
namespace {

constexpr std::int64_t kSteps = 60;  // a single stage, observed only at its end

// The guard's message, or "" when the run completes.
std::string guard_message(Backend& backend) {
  // A perfect crystal at rest (no forces), but atom 1 thrown at its nearest neighbor, atom 2:
  // the force between them grows step by step until it crosses the guard's bound.
  System s = testing::argon_fcc(3, 1.374, 0.0);  // 108 atoms
  s.velocities.resize(s.size());
  s.has_velocities = true;
  s.velocities.x[0] = s.velocities.y[0] = 20.0 / std::sqrt(2.0);  // Å/ps, along (1 1 0)
  RunPlan plan;
  plan.potential = testing::argon_lj();
  plan.neighbor_skin = 1.0;
  plan.stages = {testing::nve_stage(0.002, kSteps)};
  plan.guard.max_force = 1.0;  // eV/Å
  PairPotential pot(testing::argon_lj(), s, backend);
  Simulation sim(plan, std::move(s), backend, pot);
  try {
    sim.run();
  } catch (const RuntimeFailure& e) {
    return e.what();
  }
  return "";
}

TEST(GuardVerdicts, TheDeviceStopsAtTheStepTheHostNames) {
  MDGPU_BACKEND_OR_SKIP(cuda, std::string("cuda"));
  auto cpu = make_backend("cpu", 0);
  const std::string host = guard_message(*cpu);
  ASSERT_NE(host.find("atom 1 (Ar) has a force of"), std::string::npos) << host;
  // Tripped between the first step and the last (an observed one, read at once on the device too).
  ASSERT_EQ(host.rfind("step 1 ", 0), std::string::npos) << host;
  ASSERT_EQ(host.rfind("step " + std::to_string(kSteps) + " ", 0), std::string::npos) << host;
  std::printf("the host's message: %s\n", host.c_str());
  EXPECT_EQ(guard_message(*cuda), host);
}

}  // namespace
}  // namespace mdgpu
