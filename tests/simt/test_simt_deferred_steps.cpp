// Deferred MD steps on the emulated device (engine/simulation.hpp, engine/neighbor_list.hpp):
// the neighbor list's rebuilds decided and run on the device ask the host nothing, steps found
// void by an overflow of the list's slots are redone to the same bits as a run that decides
// every rebuild on the host, and steps replayed whole as recorded (engine/step_replay.hpp) give
// the same bits as steps issued one call at a time.
#include <gtest/gtest.h>

#include <memory>
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

Outcome run_nve(const System& start, std::int64_t steps, Decisions decisions, std::int64_t every = 0) {
  return testing::run_deferred(start, testing::nve_stage(0.002, steps), decisions, every);
}

// Steps 3 to 40 (fewer than the guard's kPendingSteps: no read between) rebuild the list on the device and add no synchronisation and no copy to the
// host: both runs read back the same (the start, the last step's output and verdicts).
TEST(SimtDeferredSteps, DeviceRebuildsAskTheHostNothing) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  const System start = hot_argon();
  const Outcome two = run_nve(start, 2, Decisions::Deferred);
  const Outcome forty = run_nve(start, 40, Decisions::Deferred);
  std::printf("  builds: %lld after 2 steps, %lld after 40\n", static_cast<long long>(two.builds),
              static_cast<long long>(forty.builds));
  EXPECT_GE(forty.builds, two.builds + 2) << "too few rebuilds to test";
  EXPECT_EQ(forty.counts.host_syncs, two.counts.host_syncs);
  EXPECT_EQ(forty.counts.copies_d2h, two.counts.copies_d2h);
  EXPECT_EQ(forty.redone, 0);
}

void expect_same_state(const System& a, const System& b) {
  EXPECT_EQ(a.positions.x, b.positions.x);
  EXPECT_EQ(a.positions.y, b.positions.y);
  EXPECT_EQ(a.positions.z, b.positions.z);
  EXPECT_EQ(a.velocities.x, b.velocities.x);
  EXPECT_EQ(a.velocities.y, b.velocities.y);
  EXPECT_EQ(a.velocities.z, b.velocities.z);
  for (int k = 0; k < 3; ++k) EXPECT_EQ(a.image[k], b.image[k]);
}

// Deferred (its quiet steps replayed whole as recorded, or each issued call by call), deferred
// with every device rebuild overflowing (each one sends the run back to the last read, at most
// 10 steps back here, and redoes the steps since with host decisions) and host decisions
// throughout: the same rebuilds and the same bits.
TEST(SimtDeferredSteps, OverflowsAreRedoneToTheSameBits) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  const System start = hot_argon();
  const Outcome host = run_nve(start, 40, Decisions::Host, 10);
  const Outcome deferred = run_nve(start, 40, Decisions::Deferred, 10);
  const Outcome issued = run_nve(start, 40, Decisions::DeferredIssued, 10);
  const Outcome redone = run_nve(start, 40, Decisions::DeferredWithoutSlots, 10);
  std::printf("  %lld builds, %lld steps redone; %lld steps replayed whole (%lld when redoing)\n",
              static_cast<long long>(host.builds), static_cast<long long>(redone.redone),
              static_cast<long long>(deferred.step_replays), static_cast<long long>(redone.step_replays));
  EXPECT_GE(host.builds, 3) << "too few rebuilds to test";
  EXPECT_GT(redone.redone, 0) << "no overflow";
  EXPECT_EQ(deferred.redone, 0);
  EXPECT_EQ(host.step_replays, 0);
  EXPECT_EQ(issued.step_replays, 0);
  // Step 1 issued, 2 recorded and launched, 3..9 launched; the recording outlives the reads and
  // the steps that read energies (10, 20, 30: nothing freed), so that 11..19, 21..29, 31..39 replay it.
  EXPECT_EQ(deferred.step_replays, 8 + 3 * 9);
  EXPECT_GT(redone.step_replays, 0) << "no replay among the redone steps";
  EXPECT_EQ(deferred.builds, host.builds);
  EXPECT_EQ(issued.builds, host.builds);
  EXPECT_EQ(redone.builds, host.builds);
  expect_same_state(deferred.system, host.system);
  expect_same_state(issued.system, host.system);
  expect_same_state(redone.system, host.system);
  ASSERT_EQ(host.thermo.size(), 5u);
  for (const Outcome* o : {&deferred, &issued, &redone}) {
    ASSERT_EQ(o->thermo.size(), host.thermo.size()) << "a redone step was observed twice";
    for (std::size_t k = 0; k < host.thermo.size(); ++k) {
      EXPECT_EQ(o->thermo[k].step, host.thermo[k].step);
      EXPECT_EQ(o->thermo[k].potential, host.thermo[k].potential);
      EXPECT_EQ(o->thermo[k].kinetic, host.thermo[k].kinetic);
      EXPECT_EQ(o->thermo[k].pressure, host.thermo[k].pressure);
    }
  }
}

// A checkpoint taken between deferred steps (at a read, after device rebuilds) continues to the
// same bits as the run that took it, as restarts do on the host (RestartTest), and as the same
// run with each step issued call by call: the continued run records its step anew.
TEST(SimtDeferredSteps, RestartContinuesToTheSameBits) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  const System start = hot_argon();
  RunPlan plan;
  plan.neighbor_skin = 0.2;
  plan.stages = {testing::nve_stage(0.002, 40)};
  plan.checkpoint.every = 20;
  auto backend = make_backend("cuda", 0);
  PairPotential potential(testing::argon_lj(), start, *backend);
  Simulation whole(plan, start, *backend, potential);
  RunState at20;
  whole.set_checkpoint_sink([&](const RunState& s) {
    if (s.step == 20) at20 = s;
  });
  whole.run();
  ASSERT_EQ(at20.step, 20);
  EXPECT_GT(at20.neighbor_builds, 1) << "no device rebuild before the checkpoint";
  Simulation continued(plan, start, *backend, potential);
  continued.restore(at20);
  continued.run();
  Simulation issued(plan, start, *backend, potential);
  issued.set_step_replay(false);
  issued.run();
  EXPECT_GT(whole.step_replays(), 0);
  EXPECT_GT(continued.step_replays(), 0);
  EXPECT_EQ(issued.step_replays(), 0);
  expect_same_state(continued.system(), whole.system());
  expect_same_state(issued.system(), whole.system());
  EXPECT_EQ(continued.force_computer().neighbors().builds(), whole.force_computer().neighbors().builds());
  EXPECT_EQ(issued.force_computer().neighbors().builds(), whole.force_computer().neighbors().builds());
}

}  // namespace
}  // namespace mdgpu
