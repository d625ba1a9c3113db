// The NequIP evaluator runs each layer's per-atom tail (linear_2, self-connection, layer norm,
// gate, output head, and their backward) chunk by chunk (model/nequip_buffers.hpp). A chunk
// smaller than the structure, that does not divide it, must give the same bits as one chunk: the
// work of an atom does not depend on its chunk. Models: nequip 0.6 (species-sliced
// self-connection; float64 and float32), nequip >= 0.7 (3 layers), Nequix (layer norm), on a
// 15-atom cluster in chunks of 4 (about 10 s here, most of it Nequix's).
#include <gtest/gtest.h>

#include "kernels/host/nequip_host_kernels.hpp"
#include "tests/nequip_fixture.hpp"
#include "tests/nequip_reference_check.hpp"

namespace mdgpu {
namespace {

template <class T>
void expect_same_bits(const NequipModel& model, const test::Structure& s, const std::vector<int>& type_map) {
  auto whole = make_nequip_evaluator<T>(model, make_host_nequip_kernels<T>());
  auto chunked = make_nequip_evaluator<T>(model, make_host_nequip_kernels<T>(), 4);
  const test::Evaluation a = test::evaluate(*whole, model.r_max, s, type_map);
  const test::Evaluation b = test::evaluate(*chunked, model.r_max, s, type_map);
  ASSERT_NE(a.fx, std::vector<double>(a.fx.size(), 0.0)) << "no interaction to compare";
  EXPECT_EQ(a.energy, b.energy);
  EXPECT_EQ(a.per_atom, b.per_atom);
  EXPECT_EQ(a.fx, b.fx);
  EXPECT_EQ(a.fy, b.fy);
  EXPECT_EQ(a.fz, b.fz);
  EXPECT_EQ(a.virial, b.virial);
}

void check(const std::string& model_file, bool map_types, bool float32 = false) {
  ASSERT_FALSE(model_file.empty());
  const NequipModel model = NequipModel::load(model_file);
  const auto s = test::reference_structure(test::H5File(test::nequip_small_reference()), "cluster15");
  ASSERT_GT(s.n % 4, 0);
  const std::vector<int> type_map = map_types ? test::reference_type_map(model) : std::vector<int>{};
  {
    SCOPED_TRACE("float64");
    expect_same_bits<double>(model, s, type_map);
  }
  if (float32) {
    SCOPED_TRACE("float32");
    expect_same_bits<float>(model, s, type_map);
  }
}

TEST(NequipChunks, Nequip06) { check(test::exported_model(test::nequip_small_reference()), false, true); }

TEST(NequipChunks, Nequip07) {
  check(std::string(MDGPU_TEST_DATA) + "/nequip07/lmax1_parity_3layers.mdgpu.h5", true);
}

TEST(NequipChunks, NequixWithLayerNorm) {
  check(std::string(MDGPU_SOURCE_DIR) + "/inputs/models/nequix-mp-1/nequix-mp-1.mdgpu.h5", true);
}

}  // namespace
}  // namespace mdgpu
