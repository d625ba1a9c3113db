// What the CUDA backend asks of the device, counted by the SIMT emulator (built in only where the
// emulator stands in for the CUDA runtime): launches, CUB calls, memsets, copies and host
// synchronisations for one NequIP evaluation, and per MD step that writes nothing (LJ and NequIP),
// asserted figure by figure: every host synchronisation brings one value to the host, nothing
// runs on the legacy default stream, a steady step allocates nothing and repeats the same work.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <utility>

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
              "%lld host syncs, %lld on the default stream, %lld threads, %lld graph launches (%lld operations replayed), "
              "%lld operations issued; "
              "device memory %.1f MB, peak %.1f MB\n",
              what, static_cast<long long>(c.launches), static_cast<long long>(c.cub_calls),
              static_cast<long long>(c.memsets), static_cast<long long>(c.copies_h2d),
              static_cast<long long>(c.bytes_h2d), static_cast<long long>(c.copies_d2h),
              static_cast<long long>(c.bytes_d2h), static_cast<long long>(c.copies_d2d),
              static_cast<long long>(c.host_syncs), static_cast<long long>(c.default_stream_work),
              static_cast<long long>(c.threads), static_cast<long long>(c.graph_launches),
              static_cast<long long>(c.replayed), static_cast<long long>(c.issued), c.device_bytes / 1e6,
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
// Step 1 issues its work as it comes (k = 1: `issued`). With the whole step replayed
// (engine/step_replay.hpp), step 2 records the step and launches it (k = 2: `recorded`) and later
// quiet steps launch it again (k = 3: `replayed`); without (Simulation::set_step_replay(false)),
// step 2 records the forces' evaluation alone and launches it amid the step's other work
// (k = 2: `forces_replayed`, engine/forces.hpp).
struct QuietSteps {
  simt::Counters issued, forces_replayed, recorded, replayed;
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
  step.issued = more.issued - one.issued;
  step.device_bytes = more.device_bytes;
  step.peak_device_bytes = more.peak_device_bytes;
  EXPECT_EQ(more.peak_device_bytes, one.peak_device_bytes) << "a steady step allocates";
  return step;
}

template <class MakePotential>
QuietSteps quiet_steps(const System& start, MakePotential make_potential) {
  struct Counted {
    simt::Counters counts;
    System end;
    Vec3Array forces;
  };
  auto counts_after = [&](std::int64_t steps, bool step_replay) {
    RunPlan plan;
    plan.neighbor_skin = 1.0;
    plan.stages = {testing::nve_stage(0.0005, steps)};
    auto backend = make_backend("cuda", 0);
    auto potential = make_potential(*backend);
    Simulation sim(plan, start, *backend, *potential);
    sim.set_step_replay(step_replay);
    simt::reset_counters();
    sim.run();
    Counted c{simt::counters(), sim.system(), {}};
    sim.atoms().download_forces(c.forces);
    EXPECT_EQ(sim.force_computer().neighbors().builds(), 1) << "a step rebuilt the list";
    const std::int64_t from_step_2 = std::max<std::int64_t>(0, steps - 2);  // quiet steps 2..
    EXPECT_EQ(sim.step_replays(), step_replay ? from_step_2 : 0);
    EXPECT_EQ(sim.force_computer().replays(), step_replay ? 0 : from_step_2);
    return c;
  };
  // Runs of 1 and 2 steps have no second quiet step: the same with or without the step replay.
  const Counted one = counts_after(1, true), two = counts_after(2, true), three = counts_after(3, true);
  const Counted three_forces = counts_after(3, false);
  // Step 2 from the step's graph gives the bits of step 2 with the forces' graph amid issued work.
  for (const auto& [a, b] : {std::pair{&three.end.positions, &three_forces.end.positions},
                             std::pair{&three.end.velocities, &three_forces.end.velocities},
                             std::pair{&three.forces, &three_forces.forces}}) {
    EXPECT_EQ(a->x, b->x);
    EXPECT_EQ(a->y, b->y);
    EXPECT_EQ(a->z, b->z);
  }
  for (int k = 0; k < 3; ++k) EXPECT_EQ(three.end.image[k], three_forces.end.image[k]);
  return {difference(one.counts, two.counts), difference(two.counts, three_forces.counts),
          difference(two.counts, three.counts), difference(three.counts, counts_after(4, true).counts)};
}

// Every figure is what the code asks for now (benches/RESULTS.md, "emulator counts"): a change
// that adds a launch, a copy or a synchronisation to a quiet step must say so here. The figures
// by kind count the work however it ran, issued or from a graph.
struct StepFigures {
  std::int64_t launches, cub_calls, memsets, copies_d2d, host_syncs;
};
void expect_figures(const simt::Counters& c, const StepFigures& f) {
  const auto [launches, cub_calls, memsets, copies_d2d, host_syncs] = f;
  EXPECT_EQ(c.launches, launches);
  EXPECT_EQ(c.cub_calls, cub_calls);
  EXPECT_EQ(c.memsets, memsets);
  EXPECT_EQ(c.copies_h2d, 0);
  EXPECT_EQ(c.copies_d2d, copies_d2d);
  EXPECT_EQ(c.host_syncs, host_syncs);
  EXPECT_EQ(c.copies_d2h, host_syncs);  // each synchronisation brings one result to the host
  EXPECT_EQ(c.default_stream_work, 0) << "work on the legacy default stream";
}

// The quiet step issued, with its forces a graph (`forces_operations` of them), and recorded and
// replayed whole: the same figures, and in the latter every operation the issued step issues
// comes from one graph launch, with nothing issued around it.
void expect_quiet_steps(const std::string& system, const QuietSteps& steps, const StepFigures& f,
                        std::int64_t forces_operations) {
  print(("one NVE MD step without output (" + system + ", no rebuild)").c_str(), steps.issued);
  print("the same, its forces a graph", steps.forces_replayed);
  print("the same, recorded whole", steps.recorded);
  print("the same, replayed whole", steps.replayed);
  expect_figures(steps.issued, f);
  EXPECT_EQ(steps.issued.graph_launches, 0);
  EXPECT_GT(steps.issued.issued, 0);
  expect_figures(steps.forces_replayed, f);
  EXPECT_EQ(steps.forces_replayed.graph_launches, 1);
  EXPECT_EQ(steps.forces_replayed.replayed, forces_operations);
  EXPECT_EQ(steps.forces_replayed.issued, steps.issued.issued - forces_operations);
  for (const simt::Counters* whole : {&steps.recorded, &steps.replayed}) {
    expect_figures(*whole, f);
    EXPECT_EQ(whole->graph_launches, 1);
    EXPECT_EQ(whole->replayed, steps.issued.issued);
    EXPECT_EQ(whole->issued, 0) << "work issued outside the step's graph";
  }
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
  // the device) and the kernel that appends it to the guard's log at a slot the device counts
  // (15 launches before the step could be recorded, 16 since); the guard's copy of the positions
  // and image counters. No synchronisation. With its forces a graph: the force kernel is the
  // graph. Recorded whole: all of it is one graph launch (before, 14 launches stayed outside).
  expect_quiet_steps("LJ argon, 108 atoms", steps, {16, 4, 1, 6, 0}, 1);
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
  // numbers are the inverse of the list's spatial order (one launch). The edges fill slots
  // sized by the count that the first step read (their count stays on the device): a kernel
  // checks that they fit, and one empties the graph when not (2 launches), the reverse-edge check
  // raises a device flag read with the guard's verdicts (one launch), the virial and the energy
  // are not computed (nothing reads them), the guard's verdict stays on the device (a reduction
  // and the kernel appending it to its log: 60 launches before the step could be recorded, 61
  // since, 63 with the slots' check). The backward pass recomputes what it no longer keeps
  // (model/nequip_buffers.hpp): layer 0's linear_1 and messages, and each layer's linear_2 and
  // self-connection (6 launches, 4 memsets), and the forward no longer zeroes the last layer's
  // output (one memset less). With its forces a graph: the evaluation (all but the kicks, drift,
  // displacement check, predicated rebuild and guard: 48 launches, one of them inside its 2 CUB
  // calls, and the 27 memsets) is the graph's 76 operations. Recorded whole: all of it is one
  // graph launch.
  expect_quiet_steps("small NequIP model, float64, 124 atoms", steps, {63, 6, 28, 6, 0}, 76);
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
