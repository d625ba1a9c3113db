// Deferred thermostatted steps on the emulated device: the Nosé–Hoover chain and Langevin's heat
// stay in device memory (engine/backend_value.hpp), so that an NVT step asks the host nothing, and
// steps found void by an overflow of the neighbor list are redone — the thermostat's state put back
// with the atoms — to the same bits as a run that decides everything on the host.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/simulation.hpp"
#include "simt/runtime.hpp"
#include "tests/md_fixture.hpp"
#include "tests/simt/deferred_runs.hpp"

namespace mdgpu {
namespace {

using testing::Decisions;
using testing::hot_argon;
using Outcome = testing::DeferredOutcome;

class SimtDeferredThermostats : public ::testing::TestWithParam<const char*> {
protected:
  StageSpec stage(std::int64_t steps) const {
    return std::string(GetParam()) == "langevin" ? testing::langevin_stage(200.0, 0.002, steps)
                                                 : testing::nose_hoover_stage(200.0, 0.002, steps);
  }
};

// Steps 3 to 40 (fewer than the guard's kPendingSteps: no read between) thermostat the atoms and
// rebuild the list on the device with no synchronisation and no copy to the host.
TEST_P(SimtDeferredThermostats, StepsAskTheHostNothing) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  const System start = hot_argon();
  const Outcome two = testing::run_deferred(start, stage(2), Decisions::Deferred, 0);
  const Outcome forty = testing::run_deferred(start, stage(40), Decisions::Deferred, 0);
  const double steps = 38.0;
  std::printf("  per step: %.1f launches, %.1f memsets, %.1f device copies (%lld device rebuilds)\n",
              (forty.counts.launches - two.counts.launches) / steps, (forty.counts.memsets - two.counts.memsets) / steps,
              (forty.counts.copies_d2d - two.counts.copies_d2d) / steps,
              static_cast<long long>(forty.builds - two.builds));
  EXPECT_GE(forty.builds, two.builds + 2) << "too few rebuilds to test";
  EXPECT_EQ(forty.counts.host_syncs, two.counts.host_syncs);
  EXPECT_EQ(forty.counts.copies_d2h, two.counts.copies_d2h);
  EXPECT_EQ(forty.redone, 0);
  // A Nosé–Hoover step at a constant target is the same work every time: steps 1 to 39 read no
  // energy, the first is issued call by call, the second recorded, and from there on each is one
  // graph launch (engine/step_replay.hpp); Langevin's draws are keyed by the step.
  if (std::string(GetParam()) == "nose_hoover") EXPECT_EQ(forty.step_replays, 38);
  else EXPECT_EQ(forty.step_replays, 0);
}

// Deferred (Nosé–Hoover's quiet steps replayed as one graph each), deferred with every device
// rebuild overflowing (back to the last read, the chain or the heat put back too, the steps since
// redone with host decisions) and host decisions throughout: the same bits, thermostat energy
// included.
TEST_P(SimtDeferredThermostats, OverflowsAreRedoneToTheSameBits) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  const System start = hot_argon();
  const Outcome host = testing::run_deferred(start, stage(40), Decisions::Host, 10);
  const Outcome deferred = testing::run_deferred(start, stage(40), Decisions::Deferred, 10);
  const Outcome redone = testing::run_deferred(start, stage(40), Decisions::DeferredWithoutSlots, 10);
  std::printf("  %lld builds, %lld steps redone\n", static_cast<long long>(host.builds),
              static_cast<long long>(redone.redone));
  EXPECT_GE(host.builds, 3) << "too few rebuilds to test";
  EXPECT_GT(redone.redone, 0) << "no overflow";
  EXPECT_EQ(deferred.redone, 0);
  if (std::string(GetParam()) == "nose_hoover") EXPECT_GT(deferred.step_replays, 0) << "no step replayed";
  ASSERT_EQ(host.thermo.size(), 5u);
  EXPECT_NE(host.thermo.back().conserved, host.thermo.back().total) << "the thermostat did nothing";
  testing::expect_same_run(deferred, host);
  testing::expect_same_run(redone, host);
}

// A checkpoint between deferred thermostatted steps continues to the same bits: the chain's or
// the heat's state comes back from the device into the checkpoint and goes back there.
TEST_P(SimtDeferredThermostats, RestartContinuesToTheSameBits) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  const System start = hot_argon();
  RunPlan plan;
  plan.neighbor_skin = 0.2;
  plan.stages = {stage(40)};
  plan.checkpoint.every = 20;
  auto backend = make_backend("cuda", 0);
  PairPotential potential(testing::argon_lj(), start, *backend);
  std::vector<ThermoSample> whole_thermo, continued_thermo;
  Simulation whole(plan, start, *backend, potential);
  whole.add_observer(std::make_unique<testing::Recorder>(whole_thermo, 40));
  RunState at20;
  whole.set_checkpoint_sink([&](const RunState& s) {
    if (s.step == 20) at20 = s;
  });
  whole.run();
  ASSERT_EQ(at20.step, 20);
  ASSERT_FALSE(at20.integrator.empty());
  Simulation continued(plan, start, *backend, potential);
  continued.add_observer(std::make_unique<testing::Recorder>(continued_thermo, 40));
  continued.restore(at20);
  continued.run();
  EXPECT_EQ(continued.system().positions.x, whole.system().positions.x);
  EXPECT_EQ(continued.system().velocities.x, whole.system().velocities.x);
  ASSERT_FALSE(whole_thermo.empty());
  ASSERT_FALSE(continued_thermo.empty());
  EXPECT_EQ(continued_thermo.back().conserved, whole_thermo.back().conserved);
}

INSTANTIATE_TEST_SUITE_P(Thermostats, SimtDeferredThermostats, ::testing::Values("nose_hoover", "langevin"));

}  // namespace
}  // namespace mdgpu
