// The NequIP evaluator's buffers as model/nequip_buffers.hpp sizes them (what the memory report
// benches/nequip_memory.cpp prints), against what the SIMT emulator's allocator holds on the
// device: the potential's allocations beyond its weights are those buffers plus the kernels'
// scratch (the per-atom edge counts and CUB's storage), and a steady evaluation allocates nothing.
// In chunks of receivers smaller than the structure, the messages' and the per-atom tail's buffers
// hold one chunk. (The small model on lipon124; 20 s here.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "engine/atoms.hpp"
#include "engine/neighbor_list.hpp"
#include "kernels/cuda/nequip_kernels.hpp"
#include "model/nequip_buffers.hpp"
#include "model/nequip_evaluator.hpp"
#include "model/nequip_potential.hpp"
#include "simt/runtime.hpp"
#include "tests/brute_force_pairs.hpp"
#include "tests/nequip_fixture.hpp"

namespace mdgpu {
namespace {

// The evaluation's bytes held beyond the weights, checked against the buffers' sizes. `chunk` 0:
// through NequipPotential (the evaluator's own chunk, kNequipChunk); else an evaluator in chunks
// of that many receivers (the species as the system numbers them: the values do not matter here).
std::size_t check(const std::string& reference, const std::string& structure, const std::string& precision,
                  int chunk = 0) {
  const std::string model_file = test::exported_model(reference);
  EXPECT_FALSE(model_file.empty());
  const NequipModel model = NequipModel::load(model_file);
  const System system = test::reference_system(test::H5File(reference), structure);
  const auto edges = static_cast<std::int64_t>(testing::brute_force_pairs(system, model.r_max).size());
  const int n = static_cast<int>(system.size());
  const bool float64 = precision == "float64";

  auto backend = make_backend("cuda", 0);
  Atoms atoms(backend->space(), system);
  AtomsView view = atoms.view();
  Buffer<double> per_atom(backend->space(), system.size());
  const std::size_t start = simt::counters().device_bytes;
  std::unique_ptr<NequipPotential> potential;
  std::unique_ptr<NequipEvaluator> evaluator;
  if (chunk == 0) potential = std::make_unique<NequipPotential>(model_file, precision, system, *backend);
  else if (float64) evaluator = make_nequip_evaluator<double>(model, cuda::make_nequip_kernels<double>(), chunk);
  else evaluator = make_nequip_evaluator<float>(model, cuda::make_nequip_kernels<float>(), chunk);
  const std::size_t weights = simt::counters().device_bytes - start;
  NeighborList list(*backend, model.r_max, 0.4);
  list.update(view, system.box, true);
  const auto compute = [&] {
    if (potential) return static_cast<void>(potential->compute(view, list.view(), system.box, per_atom.data()));
    NequipInput in{n, view.x, view.y, view.z, view.type, list.view(), system.box.data()};
    NequipOutput out;
    out.per_atom_energy = per_atom.data();
    out.fx = view.fx;
    out.fy = view.fy;
    out.fz = view.fz;
    evaluator->evaluate(in, out);
  };
  const std::size_t before = simt::counters().device_bytes;
  compute();  // the buffers grow
  const std::size_t held = simt::counters().device_bytes - before;
  simt::reset_counters();
  compute();
  const simt::Counters steady = simt::counters();

  // A standalone evaluation on the device makes room in its per-edge buffers for the forces-only
  // evaluations to come, which do not read their edge count back (model/nequip_evaluator.hpp):
  // the edges with headroom (nequip_edge_slots), at most the list's pairs, the skin's included.
  const std::int64_t slots = std::min(nequip_edge_slots(edges), list.view().pairs);
  EXPECT_GT(slots, edges);
  const auto named = nequip_buffer_bytes(nequip_buffer_sizes(model, n, slots, slots, chunk == 0 ? kNequipChunk : chunk),
                                         float64);
  const std::size_t buffers = std::accumulate(named.begin(), named.end(), std::size_t{0},
                                              [](std::size_t s, const NamedBytes& b) { return s + b.bytes; });
  const std::size_t counts = static_cast<std::size_t>(n) * sizeof(std::int64_t);  // ItemKernels::edge_rows
  // The emulator's stand-in for CUB's reduction keeps one value per item (the virial's, 9 doubles
  // per edge), where CUB needs a few KB: the rest of what the evaluation holds.
  const std::size_t virial_items = static_cast<std::size_t>(edges) * 9 * sizeof(double);
  std::printf("  %s, %s, %d atoms in chunks of %d, %lld edges in %lld slots: weights %zu B; evaluation holds %zu B = "
              "buffers %zu B + edge counts %zu B + %zu B (CUB storage, the emulator's: %zu B for the virial's items); "
              "steady peak %zu B over that\n",
              structure.c_str(), precision.c_str(), n, chunk == 0 ? std::min(n, kNequipChunk) : chunk,
              static_cast<long long>(edges), static_cast<long long>(slots), weights, held, buffers, counts,
              held - buffers - counts, virial_items, steady.peak_device_bytes - steady.device_bytes);
  EXPECT_GE(held, buffers + counts + virial_items);
  EXPECT_LE(held - buffers - counts - virial_items, 1024u);  // the rest of CUB's storage, alignment
  EXPECT_EQ(steady.peak_device_bytes, steady.device_bytes) << "a steady evaluation allocates";
  return held;
}

#define SKIP_WITHOUT_EMULATED_DEVICE() \
  if (!simt::device_visible()) GTEST_SKIP() << "the emulated device is off (MDGPU_SIMT_DEVICE unset)"

TEST(SimtMemory, SmallModel) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  for (const char* precision : {"float64", "float32"}) {
    SCOPED_TRACE(precision);
    check(test::nequip_small_reference(), "lipon124", precision);
  }
}

// In chunks of 16 receivers, the messages' and the per-atom tail's buffers hold 16 atoms, not 124:
// the evaluation holds that much less, to the byte.
void check_chunks(const std::string& reference) {
  const NequipModel model = NequipModel::load(test::exported_model(reference));
  const std::size_t whole = check(reference, "lipon124", "float32", 124);
  const std::size_t chunked = check(reference, "lipon124", "float32", 16);
  const auto total = [&](int chunk) {
    std::size_t bytes = 0;
    for (const NamedBytes& b : nequip_buffer_bytes(nequip_buffer_sizes(model, 124, 1, 1, chunk), false)) bytes += b.bytes;
    return bytes;
  };
  EXPECT_GT(whole, chunked);
  EXPECT_EQ(whole - chunked, total(124) - total(16));
}

TEST(SimtMemory, SmallModelInChunks) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  check_chunks(test::nequip_small_reference());
}

// Minutes here, as PaperModel.
TEST(SimtMemory, PaperModelInChunks) {
  SKIP_WITHOUT_EMULATED_DEVICE();
  const std::string file = test::nequip_shared_reference("paper_seed0.h5");
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "reference file not present: " << file;
  check_chunks(file);
}

}  // namespace
}  // namespace mdgpu
