// What the tests of deferred steps on the emulated device share (tests/simt/test_simt_deferred_*.cpp):
// a hot argon box whose list is rebuilt every few steps, and a run of one stage with each way of
// deciding the rebuilds.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <vector>

#include "engine/simulation.hpp"
#include "engine/velocities.hpp"
#include "model/pair_potential.hpp"
#include "simt/runtime.hpp"
#include "tests/md_fixture.hpp"

#define SKIP_WITHOUT_EMULATED_DEVICE() \
  if (!simt::device_visible()) GTEST_SKIP() << "the emulated device is off (MDGPU_SIMT_DEVICE unset)"

namespace mdgpu::testing {

// 108 argon atoms at 300 K (run under a 0.2 Å skin: the list is rebuilt every few steps).
inline System hot_argon() {
  System s = argon_fcc(3);
  maxwell_boltzmann(s, 300.0, 11, 3 * static_cast<int>(s.size()) - 3);
  return s;
}

struct DeferredOutcome {
  System system;
  std::int64_t builds = 0, redone = 0, step_replays = 0;
  simt::Counters counts;
  std::vector<ThermoSample> thermo;
};

// Deferred (quiet steps replayed whole where they can be), deferred with every step issued call
// by call, host decisions throughout, or deferred with no slot for any device rebuild (each one
// overflows, and the steps since the last read are redone).
enum class Decisions { Deferred, DeferredIssued, Host, DeferredWithoutSlots };

// The potential of a run on `backend` (default: argon's Lennard-Jones).
using MakePotential = std::function<std::unique_ptr<Potential>(Backend& backend)>;

// `stage` on the emulated device under a `skin` (Å), thermo every `every` steps (0: none; the
// host reads the device's verdicts and flags there).
inline DeferredOutcome run_deferred(const System& start, const StageSpec& stage, Decisions decisions,
                                    std::int64_t every = 0, const MakePotential& make_potential = nullptr,
                                    double skin = 0.2) {
  DeferredOutcome o;
  RunPlan plan;
  plan.neighbor_skin = skin;
  plan.stages = {stage};
  auto backend = make_backend("cuda", 0);
  const std::unique_ptr<Potential> potential =
      make_potential ? make_potential(*backend) : std::make_unique<PairPotential>(argon_lj(), start, *backend);
  Simulation sim(plan, start, *backend, *potential);
  if (every > 0) sim.add_observer(std::make_unique<Recorder>(o.thermo, every));
  sim.set_host_decisions(decisions == Decisions::Host);
  sim.set_step_replay(decisions != Decisions::DeferredIssued);
  if (decisions == Decisions::DeferredWithoutSlots) sim.force_computer().neighbors().limit_device_slots_for_tests(0);
  simt::reset_counters();
  sim.run();
  o.counts = simt::counters();
  o.system = sim.system();
  o.builds = sim.force_computer().neighbors().builds();
  o.redone = sim.redone_steps();
  o.step_replays = sim.step_replays();
  return o;
}

// The same state, list builds and thermo (conserved energy included) at the end of two runs.
inline void expect_same_run(const DeferredOutcome& a, const DeferredOutcome& b) {
  EXPECT_EQ(a.system.positions.x, b.system.positions.x);
  EXPECT_EQ(a.system.positions.y, b.system.positions.y);
  EXPECT_EQ(a.system.positions.z, b.system.positions.z);
  EXPECT_EQ(a.system.velocities.x, b.system.velocities.x);
  EXPECT_EQ(a.system.velocities.y, b.system.velocities.y);
  EXPECT_EQ(a.system.velocities.z, b.system.velocities.z);
  for (int k = 0; k < 3; ++k) EXPECT_EQ(a.system.image[k], b.system.image[k]);
  EXPECT_EQ(a.builds, b.builds);
  ASSERT_EQ(a.thermo.size(), b.thermo.size()) << "a redone step was observed twice";
  for (std::size_t k = 0; k < a.thermo.size(); ++k) {
    EXPECT_EQ(a.thermo[k].step, b.thermo[k].step);
    EXPECT_EQ(a.thermo[k].kinetic, b.thermo[k].kinetic);
    EXPECT_EQ(a.thermo[k].potential, b.thermo[k].potential);
    EXPECT_EQ(a.thermo[k].conserved, b.thermo[k].conserved) << "the conserved energy at step " << a.thermo[k].step;
  }
}

}  // namespace mdgpu::testing
