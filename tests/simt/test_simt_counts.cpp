// What the CUDA backend asks of the device, counted by the SIMT emulator (built in only where the
// emulator stands in for the CUDA runtime): launches, CUB calls, memsets, copies and host
// synchronisations for one NequIP evaluation and for one MD step, printed for the record (the
// device-resident step of issue 14 will tighten these). The invariants asserted here hold for any
// correct backend: every host synchronisation is a device-to-host copy (the backend never calls
// cudaDeviceSynchronize), a steady MD step allocates nothing, and a step repeats the same work.
#include <gtest/gtest.h>

#include <cstdio>

#include "engine/atoms.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/simulation.hpp"
#include "engine/velocities.hpp"
#include "model/nequip_potential.hpp"
#include "tests/nequip_fixture.hpp"
#include "simt/runtime.hpp"
#include "tests/md_fixture.hpp"

namespace mdgpu {
namespace {

void print(const char* what, const simt::Counters& c) {
  std::printf("  %s: %lld launches (%lld CUB calls), %lld memsets, copies %lld H2D (%lld B) %lld D2H (%lld B) %lld D2D, "
              "%lld host syncs, %lld threads; device memory %.1f MB, peak %.1f MB\n",
              what, static_cast<long long>(c.launches), static_cast<long long>(c.cub_calls),
              static_cast<long long>(c.memsets), static_cast<long long>(c.copies_h2d),
              static_cast<long long>(c.bytes_h2d), static_cast<long long>(c.copies_d2h),
              static_cast<long long>(c.bytes_d2h), static_cast<long long>(c.copies_d2d),
              static_cast<long long>(c.host_syncs), static_cast<long long>(c.threads), c.device_bytes / 1e6,
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
}

TEST(SimtCounts, OneMdStep) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  const std::string model_file = test::exported_model(test::nequip_small_reference());
  ASSERT_FALSE(model_file.empty());
  System start = lipon124();
  auto counts_after = [&](std::int64_t steps) {
    RunPlan plan;
    plan.neighbor_skin = 1.0;  // no rebuild within these few steps
    plan.stages = {testing::nve_stage(0.0005, steps)};
    auto backend = make_backend("cuda", 0);
    NequipPotential potential(model_file, "float64", start, *backend);
    Simulation sim(plan, start, *backend, potential);
    simt::reset_counters();
    sim.run();
    return simt::counters();
  };
  const simt::Counters one = counts_after(1), two = counts_after(2);
  simt::Counters step;  // the second step alone
  step.launches = two.launches - one.launches;
  step.cub_calls = two.cub_calls - one.cub_calls;
  step.memsets = two.memsets - one.memsets;
  step.copies_h2d = two.copies_h2d - one.copies_h2d;
  step.bytes_h2d = two.bytes_h2d - one.bytes_h2d;
  step.copies_d2h = two.copies_d2h - one.copies_d2h;
  step.bytes_d2h = two.bytes_d2h - one.bytes_d2h;
  step.copies_d2d = two.copies_d2d - one.copies_d2d;
  step.host_syncs = two.host_syncs - one.host_syncs;
  step.threads = two.threads - one.threads;
  step.device_bytes = two.device_bytes;
  step.peak_device_bytes = two.peak_device_bytes;
  print("one NVE MD step (small model, float64, 124 atoms, no rebuild, the second step)", step);
  EXPECT_GT(step.launches, 0);
  EXPECT_EQ(step.host_syncs, step.copies_d2h);
  EXPECT_EQ(two.peak_device_bytes, one.peak_device_bytes) << "a steady step allocates";
}

}  // namespace
}  // namespace mdgpu
