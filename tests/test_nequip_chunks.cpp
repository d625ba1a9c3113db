// The NequIP evaluator runs each layer's messages and per-atom tail (linear_2, self-connection,
// layer norm, gate, output head, and their backward) chunk by chunk of receivers
// (model/nequip_buffers.hpp). A chunk smaller than the structure, that does not divide it, must
// give the same bits as one chunk: the work of an atom does not depend on its chunk, and a sender's
// gradient sums its row (sorted by receiver) in the same order whatever the chunks. Models: nequip
// 0.6 (species-sliced self-connection; float64 and float32), nequip >= 0.7 (3 layers), Nequix
// (layer norm), on a 15-atom cluster in chunks of 4 on the host kernels; the nequip 0.6 model also
// on the 64-atom slab in chunks of 5, whose neighbor list (several bins) is not sorted by index,
// as the cluster's is: on the host, the item kernels and, on the GPU or the emulated one, the CUDA
// kernels (fused messages) in the device's memory. About 15 s here, a third of it Nequix's.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "kernels/host/nequip_host_kernels.hpp"
#include "kernels/host/omp_exec.hpp"
#include "kernels/nequip_item_kernels.hpp"
#include "tests/backends.hpp"
#include "tests/nequip_device_evaluation.hpp"
#include "tests/nequip_fixture.hpp"
#include "tests/nequip_reference_check.hpp"
#if MDGPU_WITH_CUDA
#include "kernels/cuda/nequip_kernels.hpp"
#endif

namespace mdgpu {
namespace {

template <class T>
using MakeKernels = std::function<std::unique_ptr<nequip::Kernels<T>>()>;
using Evaluate = std::function<test::Evaluation(NequipEvaluator&)>;

void expect_same(const test::Evaluation& a, const test::Evaluation& b) {
  ASSERT_NE(a.fx, std::vector<double>(a.fx.size(), 0.0)) << "no interaction to compare";
  EXPECT_EQ(a.energy, b.energy);
  EXPECT_EQ(a.per_atom, b.per_atom);
  EXPECT_EQ(a.fx, b.fx);
  EXPECT_EQ(a.fy, b.fy);
  EXPECT_EQ(a.fz, b.fz);
  EXPECT_EQ(a.virial, b.virial);
}

template <class T>
void expect_same_bits(const NequipModel& model, const MakeKernels<T>& kernels, const Evaluate& evaluate, int chunk) {
  auto whole = make_nequip_evaluator<T>(model, kernels());
  auto chunked = make_nequip_evaluator<T>(model, kernels(), chunk);
  expect_same(evaluate(*whole), evaluate(*chunked));
}

// One evaluation on the host's arrays with the engine's neighbor list.
Evaluate on_host(const NequipModel& model, const test::Structure& s, const std::vector<int>& type_map) {
  return [&model, &s, &type_map](NequipEvaluator& ev) { return test::evaluate(ev, model.r_max, s, type_map); };
}

// The cluster in chunks of 4, the slab in chunks of 5: neither divides them.
struct Case {
  const char* structure;
  int chunk;
};
const Case kCluster{"cluster15", 4}, kSlab{"slab64", 5};

void check(const std::string& model_file, bool map_types, const Case& c, bool float32 = false) {
  ASSERT_FALSE(model_file.empty());
  const NequipModel model = NequipModel::load(model_file);
  const auto s = test::reference_structure(test::H5File(test::nequip_small_reference()), c.structure);
  ASSERT_GT(s.n % c.chunk, 0);
  const std::vector<int> type_map = map_types ? test::reference_type_map(model) : std::vector<int>{};
  {
    SCOPED_TRACE("float64");
    expect_same_bits<double>(model, make_host_nequip_kernels<double>, on_host(model, s, type_map), c.chunk);
  }
  if (float32) {
    SCOPED_TRACE("float32");
    expect_same_bits<float>(model, make_host_nequip_kernels<float>, on_host(model, s, type_map), c.chunk);
  }
}

const std::string& small_model() {
  static const std::string file = test::exported_model(test::nequip_small_reference());
  return file;
}

TEST(NequipChunks, Nequip06) { check(small_model(), false, kCluster, true); }

TEST(NequipChunks, Nequip06Slab) { check(small_model(), false, kSlab); }

TEST(NequipChunks, Nequip07) {
  check(std::string(MDGPU_TEST_DATA) + "/nequip07/lmax1_parity_3layers.mdgpu.h5", true, kCluster);
}

TEST(NequipChunks, NequixWithLayerNorm) {
  check(std::string(MDGPU_SOURCE_DIR) + "/inputs/models/nequix-mp-1/nequix-mp-1.mdgpu.h5", true, kCluster);
}

TEST(NequipChunks, ItemKernels) {
  ASSERT_FALSE(small_model().empty());
  const NequipModel model = NequipModel::load(small_model());
  const auto s = test::reference_structure(test::H5File(test::nequip_small_reference()), kSlab.structure);
  const std::vector<int> none;
  expect_same_bits<double>(model, [] { return std::make_unique<nequip::ItemKernels<double, OmpExec>>(); },
                           on_host(model, s, none), kSlab.chunk);
}

#if MDGPU_WITH_CUDA
// One evaluation on `backend`'s atoms and neighbor list (device arrays).
Evaluate on_backend(Backend& backend, const NequipModel& model, const System& system) {
  return [&backend, &model, &system](NequipEvaluator& ev) { return test::evaluate_on(backend, ev, model, system); };
}

TEST(NequipChunks, CudaKernels) {
  MDGPU_BACKEND_OR_SKIP(gpu_backend, std::string("cuda"));
  ASSERT_FALSE(small_model().empty());
  const NequipModel model = NequipModel::load(small_model());
  const System system = test::reference_system(test::H5File(test::nequip_small_reference()), kSlab.structure);
  expect_same_bits<double>(model, [] { return cuda::make_nequip_kernels<double>(); },
                           on_backend(*gpu_backend, model, system),
                           kSlab.chunk);
}
#endif

}  // namespace
}  // namespace mdgpu
