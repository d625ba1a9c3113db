// What the CUDA backend asks of the device, counted by the SIMT emulator (built in only where the
// emulator stands in for the CUDA runtime): launches, CUB calls, memsets, copies and host
// synchronisations for one NequIP evaluation, and per MD step that writes nothing (LJ and NequIP),
// asserted figure by figure: every host synchronisation brings one value to the host, nothing
// runs on the legacy default stream, a steady step allocates nothing and repeats the same work.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include "engine/atoms.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/simulation.hpp"
#include "engine/velocities.hpp"
#include "model/nequip_potential.hpp"
#include "model/pair_potential.hpp"
#include "tests/nequip_fixture.hpp"
#include "simt/runtime.hpp"
#include "tests/md_fixture.hpp"

namespace mdgpu {
namespace {

void print(const char* what, const simt::Counters& c) {
  std::printf("  %s: %lld launches (%lld CUB calls), %lld memsets, copies %lld H2D (%lld B) %lld D2H (%lld B) %lld D2D, "
              "%lld host syncs, %lld on the default stream, %lld threads; device memory %.1f MB, peak %.1f MB\n",
              what, static_cast<long long>(c.launches), static_cast<long long>(c.cub_calls),
              static_cast<long long>(c.memsets), static_cast<long long>(c.copies_h2d),
              static_cast<long long>(c.bytes_h2d), static_cast<long long>(c.copies_d2h),
              static_cast<long long>(c.bytes_d2h), static_cast<long long>(c.copies_d2d),
              static_cast<long long>(c.host_syncs), static_cast<long long>(c.default_stream_work),
              static_cast<long long>(c.threads), c.device_bytes / 1e6,
              c.peak_device_bytes / 1e6);
}

System lipon124() { return test::reference_system(test::H5File(test::nequip_small_reference()), "lipon124"); }

#define SKIP_WITHOUT_EMULATED_DEVICE() \
  if (!simt::device_visible()) GTEST_SKIP() << "the emulated device is off (MDGPU_SIMT_DEVICE unset)"

TEST(SimtCounts, OneNequipEvaluation) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  const std::string model_file = test::exported_model(test::nequip_small_reference());
  ASSERT_FALSE(model_file.empty());
  const System system = lipon124();
  auto backend = make_backend("cuda", 0);
  NequipPotential potential(model_file, "float64", system, *backend);
  Atoms atoms(backend->space(), system);
  AtomsView view = atoms.view();
  NeighborList list(*backend, potential.cutoff(), 0.4);
  list.update(view, system.box, true);
  Buffer<double> per_atom(backend->space(), system.size());
  potential.compute(view, list.view(), system.box, per_atom.data());  // first call: buffers grow
  simt::reset_counters();
  potential.compute(view, list.view(), system.box, per_atom.data());
  const simt::Counters c = simt::counters();
  print("one NequIP evaluation (small model, float64, 124 atoms)", c);
  EXPECT_GT(c.launches, 0);
  EXPECT_EQ(c.host_syncs, c.copies_d2h);
  EXPECT_EQ(c.default_stream_work, 0);
}

// What a step that writes nothing asks of the device: the counts of a run of 2 steps less those
// of a run of 1 step (both observe only their last step, so the difference is a step without
// output; the skin is wide enough that no step rebuilds the list).
template <class MakePotential>
simt::Counters per_quiet_step(const System& start, MakePotential make_potential) {
  auto counts_after = [&](std::int64_t steps) {
    RunPlan plan;
    plan.neighbor_skin = 1.0;
    plan.stages = {testing::nve_stage(0.0005, steps)};
    auto backend = make_backend("cuda", 0);
    auto potential = make_potential(*backend);
    Simulation sim(plan, start, *backend, *potential);
    simt::reset_counters();
    sim.run();
    EXPECT_EQ(sim.force_computer().neighbors().builds(), 1) << "a step rebuilt the list";
    return simt::counters();
  };
  const simt::Counters one = counts_after(1), more = counts_after(2);
  auto per_step = [](std::int64_t a, std::int64_t b) { return b - a; };
  simt::Counters step;
  step.launches = per_step(one.launches, more.launches);
  step.cub_calls = per_step(one.cub_calls, more.cub_calls);
  step.memsets = per_step(one.memsets, more.memsets);
  step.copies_h2d = per_step(one.copies_h2d, more.copies_h2d);
  step.bytes_h2d = per_step(one.bytes_h2d, more.bytes_h2d);
  step.copies_d2h = per_step(one.copies_d2h, more.copies_d2h);
  step.bytes_d2h = per_step(one.bytes_d2h, more.bytes_d2h);
  step.copies_d2d = per_step(one.copies_d2d, more.copies_d2d);
  step.bytes_d2d = per_step(one.bytes_d2d, more.bytes_d2d);
  step.host_syncs = per_step(one.host_syncs, more.host_syncs);
  step.default_stream_work = more.default_stream_work;  // the whole run's
  step.threads = per_step(one.threads, more.threads);
  step.device_bytes = more.device_bytes;
  step.peak_device_bytes = more.peak_device_bytes;
  EXPECT_EQ(more.peak_device_bytes, one.peak_device_bytes) << "a steady step allocates";
  return step;
}

// Every figure is what the code asks for now (benches/RESULTS.md, "emulator counts"): a change
// that adds a launch, a copy or a synchronisation to a quiet step must say so here.
void expect_quiet_step(const simt::Counters& c, std::int64_t launches, std::int64_t cub_calls, std::int64_t memsets,
                       std::int64_t copies_d2d, std::int64_t host_syncs) {
  EXPECT_EQ(c.launches, launches);
  EXPECT_EQ(c.cub_calls, cub_calls);
  EXPECT_EQ(c.memsets, memsets);
  EXPECT_EQ(c.copies_h2d, 0);
  EXPECT_EQ(c.copies_d2d, copies_d2d);
  EXPECT_EQ(c.host_syncs, host_syncs);
  EXPECT_EQ(c.copies_d2h, host_syncs);  // each synchronisation brings one result to the host
  EXPECT_EQ(c.default_stream_work, 0) << "work on the legacy default stream";
}

TEST(SimtCounts, QuietLennardJonesStep) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  System start = testing::argon_fcc(3);  // 108 atoms
  maxwell_boltzmann(start, 100.0, 7, 3 * static_cast<int>(start.size()) - 3);
  const simt::Counters step = per_quiet_step(start, [&](Backend& b) {
    return std::make_unique<PairPotential>(testing::argon_lj(), start, b);
  });
  print("one NVE MD step without output (LJ argon, 108 atoms, no rebuild)", step);
  // Kick, drift, the list's displacement check (a CUB reduction and the step's only
  // synchronisation: the rebuild decision), the forces, kick, the guard's look (a CUB reduction
  // whose verdict stays on the device); the guard's copy of the positions and image counters.
  expect_quiet_step(step, 6, 2, 0, 6, 1);
}

TEST(SimtCounts, QuietNequipStep) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  const std::string model_file = test::exported_model(test::nequip_small_reference());
  ASSERT_FALSE(model_file.empty());
  const System start = lipon124();
  const simt::Counters step = per_quiet_step(start, [&](Backend& b) {
    return std::make_unique<NequipPotential>(model_file, "float64", start, b);
  });
  print("one NVE MD step without output (small NequIP model, float64, 124 atoms, no rebuild)", step);
  // One value comes to the host: the displacement check's (the rebuild decision). The edges fill
  // buffers sized by the list's pairs (their count stays on the device), the reverse-edge check
  // raises a device flag read with the guard's verdicts (one launch), the virial and the energy
  // are not computed (nothing reads them), the guard's verdict stays on the device.
  expect_quiet_step(step, 44, 4, 24, 6, 1);
}

}  // namespace
}  // namespace mdgpu
