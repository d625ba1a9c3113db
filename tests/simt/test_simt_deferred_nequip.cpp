// NequIP in deferred steps on the emulated device (model/nequip_evaluator.hpp): a forces-only
// evaluation does not read its edge count back and holds its edges in slots sized by the count
// last read, with headroom; one that outgrows them computes no edges and raises a flag, which the
// step guard reads with its verdicts (Potential::settle): the steps since the last read are void
// and are redone with host decisions, to the same bits as a run that never deferred.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine/velocities.hpp"
#include "model/nequip_potential.hpp"
#include "simt/runtime.hpp"
#include "tests/md_fixture.hpp"
#include "tests/nequip_fixture.hpp"
#include "tests/simt/deferred_runs.hpp"

namespace mdgpu {
namespace {

using testing::Decisions;
using Outcome = testing::DeferredOutcome;

// The small reference model on its 124-atom LiPON at 600 K, 6 NVE steps of 1 fs under a 0.5 Å
// skin, thermo (so a read of the device's flags) every 3 steps; `slots` >= 0 limits the
// evaluator's edge slots (0: every deferred evaluation outgrows them).
Outcome run(Decisions decisions, std::int64_t slots = -1) {
  const std::string file = test::exported_model(test::nequip_small_reference());
  EXPECT_FALSE(file.empty());
  System start = test::reference_system(test::H5File(test::nequip_small_reference()), "lipon124");
  maxwell_boltzmann(start, 600.0, 5, 3 * static_cast<int>(start.size()) - 3);
  const testing::MakePotential nequip = [&](Backend& backend) {
    auto potential = std::make_unique<NequipPotential>(file, "float64", start, backend);
    if (slots >= 0) potential->limit_edge_slots_for_tests(slots);
    return potential;
  };
  return testing::run_deferred(start, testing::nve_stage(0.001, 6), decisions, 3, nequip, 0.5);
}

// Deferred (quiet steps replayed whole), deferred with every evaluation's edges outgrowing their
// slots (each read finds the steps since the last one void: they are redone), and host decisions
// throughout: the same bits, thermo included.
TEST(SimtDeferredNequip, EdgeOverflowsAreRedoneToTheSameBits) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  const Outcome host = run(Decisions::Host);
  const Outcome deferred = run(Decisions::Deferred);
  const Outcome outgrown = run(Decisions::Deferred, 0);
  std::printf("  redone steps: %lld deferred, %lld with no edge slots; %lld steps replayed whole\n",
              static_cast<long long>(deferred.redone), static_cast<long long>(outgrown.redone),
              static_cast<long long>(deferred.step_replays));
  EXPECT_EQ(deferred.redone, 0) << "the headroom did not hold 6 steps";
  EXPECT_GT(deferred.step_replays, 0);
  EXPECT_GE(outgrown.redone, 4) << "both reads' windows are void (steps 1-2 and 4-5 are forces-only)";
  testing::expect_same_run(deferred, host);
  testing::expect_same_run(outgrown, host);
}

}  // namespace
}  // namespace mdgpu
