// What the CUDA backend asks of the device, counted by the SIMT emulator (built in only where the
// emulator stands in for the CUDA runtime): launches, CUB calls, memsets, copies and host
// synchronisations for one NequIP evaluation, and per MD step that writes nothing (LJ and NequIP),
// asserted figure by figure: every host synchronisation brings one value to the host, nothing
// runs on the legacy default stream, a steady step allocates nothing and repeats the same work.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "core/errors.hpp"
#include "engine/atoms.hpp"
#include "engine/forces.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/simulation.hpp"
#include "engine/velocities.hpp"
#include "kernels/neighbor_bodies.hpp"
#include "model/nequip_potential.hpp"
#include "model/pair_potential.hpp"
#include "tests/nequip_fixture.hpp"
#include "simt/runtime.hpp"
#include "tests/md_fixture.hpp"

namespace mdgpu {
namespace {

void print(const char* what, const simt::Counters& c) {
  std::printf("  %s: %lld launches (%lld CUB calls), %lld memsets, copies %lld H2D (%lld B) %lld D2H (%lld B) %lld D2D, "
              "%lld host syncs, %lld on the default stream, %lld threads, %lld graph launches (%lld operations replayed); "
              "device memory %.1f MB, peak %.1f MB\n",
              what, static_cast<long long>(c.launches), static_cast<long long>(c.cub_calls),
              static_cast<long long>(c.memsets), static_cast<long long>(c.copies_h2d),
              static_cast<long long>(c.bytes_h2d), static_cast<long long>(c.copies_d2h),
              static_cast<long long>(c.bytes_d2h), static_cast<long long>(c.copies_d2d),
              static_cast<long long>(c.host_syncs), static_cast<long long>(c.default_stream_work),
              static_cast<long long>(c.threads), static_cast<long long>(c.graph_launches),
              static_cast<long long>(c.replayed), c.device_bytes / 1e6,
              c.peak_device_bytes / 1e6);
}

System lipon124() { return test::reference_system(test::H5File(test::nequip_small_reference()), "lipon124"); }

// The small reference model, exported, and its 124-atom LiPON structure.
struct SmallModel {
  std::string file = test::exported_model(test::nequip_small_reference());
  System system = lipon124();
};

#define SKIP_WITHOUT_EMULATED_DEVICE() \
  if (!simt::device_visible()) GTEST_SKIP() << "the emulated device is off (MDGPU_SIMT_DEVICE unset)"

TEST(SimtCounts, OneNequipEvaluation) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  const SmallModel small;
  ASSERT_FALSE(small.file.empty());
  const System& system = small.system;
  const std::string& model_file = small.file;
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

// What a step that writes nothing asks of the device: the counts of a run of k + 1 steps less
// those of a run of k steps (both observe only their last step, so the difference is step k of
// the longer run, without output; the skin is wide enough that no step rebuilds the list).
// Step 1 issues the forces' work as it comes (k = 1: `issued`), step 2 records it as a graph and
// launches it (k = 2: `replayed`), later quiet steps launch it again (engine/forces.hpp).
struct QuietSteps {
  simt::Counters issued, replayed;
};

simt::Counters difference(const simt::Counters& one, const simt::Counters& more) {
  simt::Counters step;
  step.launches = more.launches - one.launches;
  step.cub_calls = more.cub_calls - one.cub_calls;
  step.memsets = more.memsets - one.memsets;
  step.copies_h2d = more.copies_h2d - one.copies_h2d;
  step.bytes_h2d = more.bytes_h2d - one.bytes_h2d;
  step.copies_d2h = more.copies_d2h - one.copies_d2h;
  step.bytes_d2h = more.bytes_d2h - one.bytes_d2h;
  step.copies_d2d = more.copies_d2d - one.copies_d2d;
  step.bytes_d2d = more.bytes_d2d - one.bytes_d2d;
  step.host_syncs = more.host_syncs - one.host_syncs;
  step.default_stream_work = more.default_stream_work;  // the whole run's
  step.threads = more.threads - one.threads;
  step.graph_launches = more.graph_launches - one.graph_launches;
  step.replayed = more.replayed - one.replayed;
  step.device_bytes = more.device_bytes;
  step.peak_device_bytes = more.peak_device_bytes;
  EXPECT_EQ(more.peak_device_bytes, one.peak_device_bytes) << "a steady step allocates";
  return step;
}

template <class MakePotential>
QuietSteps quiet_steps(const System& start, MakePotential make_potential) {
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
    EXPECT_EQ(sim.force_computer().replays(), std::max<std::int64_t>(0, steps - 2));  // quiet steps 2..
    return simt::counters();
  };
  const simt::Counters one = counts_after(1), two = counts_after(2), three = counts_after(3);
  return {difference(one, two), difference(two, three)};
}

// Every figure is what the code asks for now (benches/RESULTS.md, "emulator counts"): a change
// that adds a launch, a copy or a synchronisation to a quiet step must say so here.
// `replayed`: the operations of the step's one graph launch (0: none), which the other figures
// include.
struct StepFigures {
  std::int64_t launches, cub_calls, memsets, copies_d2d, host_syncs;
};
void expect_quiet_step(const simt::Counters& c, const StepFigures& f, std::int64_t replayed) {
  const auto [launches, cub_calls, memsets, copies_d2d, host_syncs] = f;
  EXPECT_EQ(c.launches, launches);
  EXPECT_EQ(c.cub_calls, cub_calls);
  EXPECT_EQ(c.memsets, memsets);
  EXPECT_EQ(c.copies_h2d, 0);
  EXPECT_EQ(c.copies_d2d, copies_d2d);
  EXPECT_EQ(c.host_syncs, host_syncs);
  EXPECT_EQ(c.copies_d2h, host_syncs);  // each synchronisation brings one result to the host
  EXPECT_EQ(c.default_stream_work, 0) << "work on the legacy default stream";
  EXPECT_EQ(c.graph_launches, replayed > 0 ? 1 : 0);
  EXPECT_EQ(c.replayed, replayed);
}

// The issued and the replayed quiet step: the same figures, the latter from one graph launch of
// `replayed_operations`.
void expect_quiet_steps(const std::string& system, const QuietSteps& steps, const StepFigures& f,
                        std::int64_t replayed_operations) {
  print(("one NVE MD step without output (" + system + ", no rebuild)").c_str(), steps.issued);
  print("the same, its forces a graph", steps.replayed);
  expect_quiet_step(steps.issued, f, 0);
  expect_quiet_step(steps.replayed, f, replayed_operations);
}

TEST(SimtCounts, QuietLennardJonesStep) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  System start = testing::argon_fcc(3);  // 108 atoms
  maxwell_boltzmann(start, 100.0, 7, 3 * static_cast<int>(start.size()) - 3);
  const QuietSteps steps = quiet_steps(start, [&](Backend& b) {
    return std::make_unique<PairPotential>(testing::argon_lj(), start, b);
  });
  // Kick, drift, the list's displacement check (a CUB reduction left on the device: the rebuild
  // decision is taken there, engine/neighbor_list.hpp, deferred mode), the rebuild predicated on
  // it (7 kernels that return at once, the bins' sort and the rows' scan: 2 CUB calls, the scan's
  // memset of row 0), the forces, kick, the guard's look (a CUB reduction whose verdict stays on
  // the device); the guard's copy of the positions and image counters. No synchronisation.
  // Replayed: the force kernel is the graph.
  expect_quiet_steps("LJ argon, 108 atoms", steps, {15, 4, 1, 6, 0}, 1);
}

TEST(SimtCounts, QuietNequipStep) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  const SmallModel small;
  ASSERT_FALSE(small.file.empty());
  const System& start = small.system;
  const std::string& model_file = small.file;
  const QuietSteps steps = quiet_steps(start, [&](Backend& b) {
    return std::make_unique<NequipPotential>(model_file, "float64", start, b);
  });
  // Nothing comes to the host: the rebuild decision is taken on the device, whose predicated
  // rebuild adds 9 launches, 2 CUB calls and a memset (QuietLennardJonesStep). The graph's node
  // numbers are the inverse of the list's spatial order (one launch). The edges fill
  // buffers sized by the list's pairs (their count stays on the device), the reverse-edge check
  // raises a device flag read with the guard's verdicts (one launch), the virial and the energy
  // are not computed (nothing reads them), the guard's verdict stays on the device. The backward
  // pass recomputes what it no longer keeps (model/nequip_buffers.hpp): layer 0's linear_1 and
  // messages, and each layer's linear_2 and self-connection (6 launches, 4 memsets), and the
  // forward no longer zeroes the last layer's output (one memset less). Replayed: the evaluation
  // (all but the kicks, drift, displacement check, predicated rebuild and guard: 46 launches, one of them inside its
  // 2 CUB calls, and the 27 memsets) is the graph's 74 operations.
  expect_quiet_steps("small NequIP model, float64, 124 atoms", steps, {60, 6, 28, 6, 0}, 74);
}

// A recorded evaluation replays the forces it computed as issued, and is recorded again once
// device memory was freed: here the energy's and virial's reductions grow the evaluator's CUB
// scratch, which the recording names (its replay would read freed memory, which the emulator
// catches).
TEST(SimtReplay, ReplaysTheSameForcesAndRecordsAgainAfterAFree) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  const SmallModel small;
  ASSERT_FALSE(small.file.empty());
  const System& system = small.system;
  const std::string& model_file = small.file;
  auto backend = make_backend("cuda", 0);
  NequipPotential potential(model_file, "float64", system, *backend);
  Atoms atoms(backend->space(), system);
  ForceComputer forces(*backend, potential, 0.4);
  Vec3Array issued, replayed;
  forces.compute(atoms.view(), system.box, false);
  atoms.download_forces(issued);
  forces.compute(atoms.view(), system.box, false);  // recorded, then launched
  EXPECT_EQ(forces.replays(), 1);
  atoms.download_forces(replayed);
  EXPECT_EQ(replayed.x, issued.x);
  EXPECT_EQ(replayed.y, issued.y);
  EXPECT_EQ(replayed.z, issued.z);
  forces.compute(atoms.view(), system.box, true);  // its reductions outgrow the scratch
  forces.compute(atoms.view(), system.box, false);
  EXPECT_EQ(forces.replays(), 2);
  atoms.download_forces(replayed);
  EXPECT_EQ(replayed.x, issued.x);
}

template <class T>
std::vector<T> to_host(const T* device, std::size_t n) {
  std::vector<T> host(n);
  space_copy(Space::Host, host.data(), Space::Device, device, n * sizeof(T));
  return host;
}

// NequIP's reverse-edge check stays on the device in a forces-only evaluation and is read later
// (Potential::check_deferred, which the step guard calls with its verdicts); an evaluation that
// reads results reports it at once. The edge without reverse must not send any kernel out of
// bounds meanwhile (the emulator would fault).
TEST(SimtDeferred, UnpairedEdgeIsReportedWhenTheCheckIsRead) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  SmallModel small;
  ASSERT_FALSE(small.file.empty());
  System& system = small.system;
  const std::string& model_file = small.file;
  auto backend = make_backend("cuda", 0);
  NequipPotential quiet(model_file, "float64", system, *backend);
  Atoms atoms(backend->space(), system);
  NeighborList list(*backend, quiet.cutoff(), 0.4);
  list.update(atoms.view(), system.box, true);
  atoms.download_state(system);  // as wrapped by the build
  // The list without the shortest pair of atom 0 (one direction only).
  const NeighborView full = list.view();
  const auto n = static_cast<std::size_t>(full.n);
  std::vector<std::int64_t> offsets = to_host(full.offsets, n + 1);
  std::vector<int> index = to_host(full.index, static_cast<std::size_t>(full.pairs));
  std::vector<std::int32_t> image = to_host(full.image, static_cast<std::size_t>(full.pairs));
  const NeighborView on_host{full.n, 0, offsets.data(), index.data(), image.data(), full.pairs};
  std::int64_t shortest = -1;
  double shortest_r2 = 1e300;
  for (std::int64_t p = offsets[0]; p < offsets[1]; ++p) {
    double r[3];
    neighbor_vector(on_host, system.box.data(), system.positions.x.data(), system.positions.y.data(),
                    system.positions.z.data(), 0, p, r);
    const double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
    if (r2 < shortest_r2) shortest_r2 = r2, shortest = p;
  }
  ASSERT_GE(shortest, 0);
  index.erase(index.begin() + shortest);
  image.erase(image.begin() + shortest);
  for (std::size_t i = 1; i <= n; ++i) --offsets[i];
  Buffer<std::int64_t> offsets_d(backend->space(), 0);
  Buffer<int> index_d(backend->space(), 0);
  Buffer<std::int32_t> image_d(backend->space(), 0);
  offsets_d.upload(offsets);
  index_d.upload(index);
  image_d.upload(image);
  const NeighborView unpaired{full.n, 0, offsets_d.data(), index_d.data(), image_d.data(), full.pairs - 1};
  Buffer<double> per_atom(backend->space(), n);

  ASSERT_NO_THROW(quiet.compute_forces(atoms.view(), unpaired, system.box, per_atom.data()));  // left on the device
  ASSERT_NO_THROW(quiet.compute_forces(atoms.view(), full, system.box, per_atom.data()));
  try {  // the flag tells of every evaluation since it was cleared
    quiet.check_deferred();
    ADD_FAILURE() << "no failure reported";
  } catch (const RuntimeFailure& e) {
    EXPECT_NE(std::string(e.what()).find("not symmetric"), std::string::npos) << e.what();
  }
  NequipPotential reading(model_file, "float64", system, *backend);
  EXPECT_THROW(reading.compute(atoms.view(), unpaired, system.box, per_atom.data()), RuntimeFailure);
}

}  // namespace
}  // namespace mdgpu
