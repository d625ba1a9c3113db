// wigner_3j against the e3nn tensors stored in the NequIP reference models (state_dict buffers
// `..._w3j_L1_L2_L3`), plus closed forms that hold for every l.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include <gtest/gtest.h>

#include "model/wigner3j.hpp"
#include "tests/h5_reader.hpp"

namespace mdgpu {
namespace {

// Compares every w3j buffer of a model file; returns how many were checked.
int expect_file_matches(const std::string& path) {
  const test::H5File file(path);
  int checked = 0;
  for (const std::string& name : file.datasets("/model", "_w3j_")) {
    int l1 = -1, l2 = -1, l3 = -1;
    if (std::sscanf(name.c_str() + name.rfind("_w3j_") + 5, "%d_%d_%d", &l1, &l2, &l3) != 3) {
      ADD_FAILURE() << "cannot parse l1_l2_l3 from " << name;
      continue;
    }
    const test::H5Array ref = file.read("/model/" + name);
    const std::vector<double> c = wigner_3j(l1, l2, l3);
    const std::vector<hsize_t> dims{hsize_t(2 * l1 + 1), hsize_t(2 * l2 + 1), hsize_t(2 * l3 + 1)};
    if (ref.dims != dims) {
      ADD_FAILURE() << name << " has an unexpected shape";
      continue;
    }
    for (size_t i = 0; i < c.size(); ++i) EXPECT_NEAR(c[i], ref.data[i], 1e-12) << name << " [" << i << "]";
    ++checked;
  }
  return checked;
}

TEST(Wigner3j, MatchesE3nnInSmallModel) {
  EXPECT_GE(expect_file_matches(test::nequip_small_reference()), 1);
}

TEST(Wigner3j, MatchesE3nnInPaperModel) {
  const std::string path = test::nequip_shared_reference("paper_seed0.h5");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "paper reference model not found at " << path;
  EXPECT_EQ(expect_file_matches(path), 8 * 5);  // (1|2, 1|2, 1|2) in layers 1-5
}

TEST(Wigner3j, UnitNormAndScalarCoupling) {
  for (int l1 = 0; l1 <= 3; ++l1) {
    for (int l2 = 0; l2 <= 3; ++l2) {
      for (int l3 = std::abs(l1 - l2); l3 <= l1 + l2; ++l3) {
        double norm2 = 0;
        for (double v : wigner_3j(l1, l2, l3)) norm2 += v * v;
        EXPECT_NEAR(norm2, 1.0, 1e-14) << l1 << l2 << l3;
      }
    }
    // C(0, l, l) = delta / sqrt(2l + 1): the closed form e3nn uses for paths with a scalar operand.
    const int d = 2 * l1 + 1;
    const std::vector<double> c = wigner_3j(0, l1, l1);
    for (int j = 0; j < d; ++j)
      for (int k = 0; k < d; ++k) EXPECT_NEAR(c[j * d + k], j == k ? 1 / std::sqrt(d) : 0.0, 1e-15);
  }
}

TEST(Wigner3j, RejectsTriangleViolations) {
  EXPECT_THROW(wigner_3j(1, 1, 3), std::invalid_argument);
  EXPECT_THROW(wigner_3j(0, 1, 2), std::invalid_argument);
  EXPECT_THROW(wigner_3j(3, 1, 1), std::invalid_argument);
  EXPECT_THROW(wigner_3j(-1, 1, 1), std::invalid_argument);
}

}  // namespace
}  // namespace mdgpu
