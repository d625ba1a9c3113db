// What the tests of deferred steps on the emulated device share (tests/simt/test_simt_deferred_*.cpp):
// a hot argon box whose list is rebuilt every few steps, and a run of one stage with each way of
// deciding the rebuilds.
#pragma once

#include <gtest/gtest.h>

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

// `stage` on the emulated device under a 0.2 Å skin, thermo every `every` steps (0: none; the
// host reads the device's verdicts and flags there).
inline DeferredOutcome run_deferred(const System& start, const StageSpec& stage, Decisions decisions,
                                    std::int64_t every = 0) {
  DeferredOutcome o;
  RunPlan plan;
  plan.neighbor_skin = 0.2;
  plan.stages = {stage};
  auto backend = make_backend("cuda", 0);
  PairPotential potential(argon_lj(), start, *backend);
  Simulation sim(plan, start, *backend, potential);
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

}  // namespace mdgpu::testing
