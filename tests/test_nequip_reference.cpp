// NequIP conformance: every structure of every reference file (computed by the real nequip 0.6.2 /
// e3nn 0.5.1) — energies, per-atom energies, forces and virial. float64 must agree to 1e-9
// relative; float32 must stay within 3x the gap between nequip's own float32 and float64 results.
#include <gtest/gtest.h>

#include "nequip_reference_check.hpp"

namespace mdgpu {
namespace {

void check_file(const std::string& file) {
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "reference file not present: " << file;
  const std::string model_file = test::exported_model(file);
  ASSERT_FALSE(model_file.empty()) << "tools/export_nequip.py could not convert " << file;
  const auto model = NequipModel::load(model_file);
  const auto names = test::reference_structures(test::H5File(file));
  ASSERT_GE(names.size(), 6u);
  test::check_reference(model, file, names);
}

TEST(NequipReference, SmallModel) { check_file(test::nequip_small_reference()); }
TEST(NequipReference, PaperModel) { check_file(test::nequip_shared_reference("paper_seed0.h5")); }
TEST(NequipReference, ScalarModel) { check_file(test::nequip_shared_reference("scalar_seed0.h5")); }

}  // namespace
}  // namespace mdgpu
