// The CUDA backend's decomposition of the NequIP evaluation — item kernels: one work item per
// atom, edge or output element (kernels/nequip_item_kernels.hpp) — run on the host, against the
// host kernels on every reference model and structure. Each item sums in the host's order, so the
// two must agree to the bit; on a GPU only the transcendental functions and the order of the
// final sums differ (tests/test_nequip_cuda.cpp).
#include <gtest/gtest.h>

#include "kernels/host/omp_exec.hpp"
#include "kernels/nequip_item_kernels.hpp"
#include "nequip_fixture.hpp"

namespace mdgpu {
namespace {

void expect_same(const test::Evaluation& a, const test::Evaluation& b) {
  EXPECT_EQ(a.energy, b.energy);
  EXPECT_EQ(a.per_atom, b.per_atom);
  EXPECT_EQ(a.fx, b.fx);
  EXPECT_EQ(a.fy, b.fy);
  EXPECT_EQ(a.fz, b.fz);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_EQ(a.virial[i][j], b.virial[i][j]);
}

template <class T>
void check_file(const std::string& file) {
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "reference file not present: " << file;
  const std::string model_file = test::exported_model(file);
  ASSERT_FALSE(model_file.empty()) << "tools/export_nequip.py could not convert " << file;
  const auto model = NequipModel::load(model_file);
  auto host = make_nequip_evaluator(model, std::is_same_v<T, double>);
  auto items = make_nequip_evaluator<T>(model, std::make_unique<nequip::ItemKernels<T, OmpExec>>());
  const test::H5File f(file);
  for (const auto& name : test::reference_structures(f)) {
    if (name == "li_lipon1316") continue;  // the same code paths as lipon124, and slow as items on a CPU
    SCOPED_TRACE(file + " " + name);
    const auto s = test::reference_structure(f, name);
    expect_same(test::evaluate(*items, model.r_max, s), test::evaluate(*host, model.r_max, s));
  }
}

TEST(NequipItemKernels, SmallModelFloat64) { check_file<double>(test::nequip_small_reference()); }
TEST(NequipItemKernels, SmallModelFloat32) { check_file<float>(test::nequip_small_reference()); }
TEST(NequipItemKernels, PaperModelFloat64) { check_file<double>(test::nequip_shared_reference("paper_seed0.h5")); }
TEST(NequipItemKernels, PaperModelFloat32) { check_file<float>(test::nequip_shared_reference("paper_seed0.h5")); }
TEST(NequipItemKernels, ScalarModelFloat64) { check_file<double>(test::nequip_shared_reference("scalar_seed0.h5")); }
TEST(NequipItemKernels, ScalarModelFloat32) { check_file<float>(test::nequip_shared_reference("scalar_seed0.h5")); }

}  // namespace
}  // namespace mdgpu
