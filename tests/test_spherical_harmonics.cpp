// Spherical harmonics against NequIP's stored edge attributes (l <= 2), and for l <= 3 the
// properties that pin e3nn's convention down without a reference: component normalisation,
// orthonormality on the sphere, coupling through e3nn's Wigner 3j (equivariance), and the
// gradient against finite differences.
#include <array>
#include <cmath>
#include <filesystem>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "kernels/spherical_harmonics.hpp"
#include "model/wigner3j.hpp"
#include "tests/h5_reader.hpp"

namespace mdgpu {
namespace {

constexpr int kNumSh = (kMaxShL + 1) * (kMaxShL + 1);

std::vector<double> sh(int lmax, const double r[3]) {
  std::vector<double> y((lmax + 1) * (lmax + 1));
  spherical_harmonics(lmax, r[0], r[1], r[2], y.data());
  return y;
}

// Raw (unnormalised) vectors of assorted lengths.
std::vector<std::array<double, 3>> random_vectors(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0, 2);
  std::vector<std::array<double, 3>> v(n);
  for (auto& r : v) r = {g(rng), g(rng), g(rng)};
  return v;
}

void expect_edge_attrs_match(const std::string& path, int lmax) {
  const test::H5File file(path);
  for (const char* structure : {"li3n4", "cluster15"}) {
    const std::string group = std::string("/intermediates/") + structure + "/spharm_edges/";
    const test::H5Array vec = file.read(group + "edge_vectors");
    const test::H5Array ref = file.read(group + "edge_attrs");
    const size_t n = (lmax + 1) * (lmax + 1);
    ASSERT_EQ(ref.dims.size(), 2u);
    ASSERT_EQ(ref.dims[1], n) << structure;
    ASSERT_EQ(vec.dims[0], ref.dims[0]);
    for (size_t e = 0; e < vec.dims[0]; ++e) {
      const std::vector<double> y = sh(lmax, &vec.data[3 * e]);
      for (size_t c = 0; c < n; ++c)
        EXPECT_NEAR(y[c], ref.data[e * n + c], 1e-12) << structure << " edge " << e << " comp " << c;
    }
  }
}

TEST(SphericalHarmonics, MatchesNequipEdgeAttrsSmallModel) {
  expect_edge_attrs_match(test::nequip_small_reference(), 1);
}

TEST(SphericalHarmonics, MatchesNequipEdgeAttrsPaperModel) {
  const std::string path = test::nequip_shared_reference("paper_seed0.h5");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "paper reference model not found at " << path;
  expect_edge_attrs_match(path, 2);
}

TEST(SphericalHarmonics, ComponentNormalisation) {
  for (const auto& r : random_vectors(50, 1)) {
    const std::vector<double> y = sh(kMaxShL, r.data());
    for (int l = 0; l <= kMaxShL; ++l) {
      double s = 0;
      for (int c = l * l; c < (l + 1) * (l + 1); ++c) s += y[c] * y[c];
      EXPECT_NEAR(s, 2 * l + 1, 1e-13) << "l " << l;
    }
  }
  // Like torch's F.normalize, a zero vector is not NaN: only Y_00 = 1 survives.
  const double zero[3] = {0, 0, 0};
  const std::vector<double> y = sh(kMaxShL, zero);
  for (int c = 0; c < kNumSh; ++c) EXPECT_EQ(y[c], c == 0 ? 1.0 : 0.0) << c;
}

// Gauss-Legendre (4 points, exact to degree 7) in cos(theta) times a uniform 8-point phi grid
// (exact for trigonometric degree <= 7) integrates every product Y_lm Y_l'm' (degree <= 6).
TEST(SphericalHarmonics, OrthonormalOnTheSphere) {
  const double t[4] = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
  const double w[4] = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};
  constexpr int kPhi = 8;
  std::vector<double> gram(kNumSh * kNumSh, 0.0);
  for (int i = 0; i < 4; ++i) {
    for (int k = 0; k < kPhi; ++k) {
      // Tilted axis so the grid is not aligned with e3nn's polar axis y.
      const double phi = 2 * M_PI * (k + 0.3) / kPhi, s = std::sqrt(1 - t[i] * t[i]);
      const double r[3] = {s * std::cos(phi), s * std::sin(phi), t[i]};
      const std::vector<double> y = sh(kMaxShL, r);
      const double weight = w[i] / 2 / kPhi;  // dOmega / (4 pi)
      for (int a = 0; a < kNumSh; ++a)
        for (int b = 0; b < kNumSh; ++b) gram[a * kNumSh + b] += weight * y[a] * y[b];
    }
  }
  for (int a = 0; a < kNumSh; ++a)
    for (int b = 0; b < kNumSh; ++b) EXPECT_NEAR(gram[a * kNumSh + b], a == b ? 1.0 : 0.0, 1e-13) << a << "," << b;
}

// sum_ij C(l1,l2,l3)_ijk Y_l1,i(r) Y_l2,j(r) is an equivariant map S^2 -> V_l3, hence c Y_l3(r)
// with one constant c for all r (zero when l1 + l2 + l3 is odd, by parity). This is how e3nn
// generates higher l (Y_{l+1} ~ C Y_l r), so it ties l = 3 to the reference-checked Wigner 3j.
TEST(SphericalHarmonics, CoupleThroughWigner3j) {
  const auto points = random_vectors(20, 2);
  for (int l1 = 1; l1 <= kMaxShL; ++l1) {
    for (int l2 = 1; l2 <= kMaxShL; ++l2) {
      for (int l3 = std::abs(l1 - l2); l3 <= std::min(l1 + l2, kMaxShL); ++l3) {
        const std::vector<double> c = wigner_3j(l1, l2, l3);
        const int d1 = 2 * l1 + 1, d2 = 2 * l2 + 1, d3 = 2 * l3 + 1;
        double ratio = NAN;
        for (const auto& r : points) {
          const std::vector<double> y = sh(kMaxShL, r.data());
          const double *y1 = &y[l1 * l1], *y2 = &y[l2 * l2], *y3 = &y[l3 * l3];
          std::vector<double> v(d3, 0.0);
          for (int i = 0; i < d1; ++i)
            for (int j = 0; j < d2; ++j)
              for (int k = 0; k < d3; ++k) v[k] += c[(i * d2 + j) * d3 + k] * y1[i] * y2[j];
          double dot = 0;
          for (int k = 0; k < d3; ++k) dot += v[k] * y3[k];
          const double this_ratio = dot / d3;  // |Y_l3|^2 = 2 l3 + 1
          if (std::isnan(ratio)) ratio = this_ratio;
          EXPECT_NEAR(this_ratio, ratio, 1e-13) << l1 << l2 << l3;
          for (int k = 0; k < d3; ++k) EXPECT_NEAR(v[k], ratio * y3[k], 1e-13) << l1 << l2 << l3;
        }
        if ((l1 + l2 + l3) % 2 == 1) {
          EXPECT_NEAR(ratio, 0.0, 1e-13) << l1 << l2 << l3;
        } else if (l3 == l1 + l2) {
          // e3nn's recursion uses a positive constant: this fixes the sign of each Y_l block,
          // which normalisation and orthogonality leave open.
          EXPECT_GT(ratio, 1e-3) << l1 << l2 << l3;
        } else {
          EXPECT_GT(std::abs(ratio), 1e-3) << l1 << l2 << l3;
        }
      }
    }
  }
}

TEST(SphericalHarmonics, GradientMatchesFiniteDifferences) {
  constexpr double h = 1e-6;
  for (const auto& r : random_vectors(20, 3)) {
    std::vector<double> y(kNumSh), dy(3 * kNumSh);
    spherical_harmonics_grad(kMaxShL, r[0], r[1], r[2], y.data(), dy.data());
    EXPECT_EQ(y, sh(kMaxShL, r.data()));
    for (int a = 0; a < 3; ++a) {
      double rp[3] = {r[0], r[1], r[2]}, rm[3] = {r[0], r[1], r[2]};
      rp[a] += h, rm[a] -= h;
      const std::vector<double> yp = sh(kMaxShL, rp), ym = sh(kMaxShL, rm);
      for (int c = 0; c < kNumSh; ++c) EXPECT_NEAR(dy[3 * c + a], (yp[c] - ym[c]) / (2 * h), 1e-7) << c << "," << a;
    }
  }
}

// The same template in float (what a float32 model evaluates).
TEST(SphericalHarmonics, FloatAgreesWithDouble) {
  for (const auto& r : random_vectors(10, 4)) {
    float yf[kNumSh], dyf[3 * kNumSh];
    spherical_harmonics_grad<float>(kMaxShL, float(r[0]), float(r[1]), float(r[2]), yf, dyf);
    std::vector<double> y(kNumSh), dy(3 * kNumSh);
    spherical_harmonics_grad(kMaxShL, double(float(r[0])), double(float(r[1])), double(float(r[2])), y.data(), dy.data());
    const double len = std::sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
    for (int c = 0; c < kNumSh; ++c) {
      EXPECT_NEAR(yf[c], y[c], 1e-5) << c;
      for (int a = 0; a < 3; ++a) EXPECT_NEAR(dyf[3 * c + a], dy[3 * c + a], 1e-5 * (1 + 1 / len)) << c;
    }
  }
}

}  // namespace
}  // namespace mdgpu
