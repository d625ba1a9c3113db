// The RDF and running coordination numbers against a brute-force count over periodic images, in a
// triclinic cell narrower than twice r_max (atoms see several images of each other and of
// themselves); and the coordination shells of an fcc crystal.
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "analysis/rdf.hpp"
#include "tests/brute_force_pairs.hpp"
#include "tests/md_fixture.hpp"

namespace mdgpu {
namespace {

System two_species_triclinic(unsigned seed) {
  System s;
  s.box =
      Box(Mat3{Vec3{6.0, 0.0, 0.0}, Vec3{1.8, 5.5, 0.0}, Vec3{-1.2, 0.9, 5.0}}, {true, true, true});
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 0; i < 14; ++i) {
    const double f[3] = {u(rng), u(rng), u(rng)};
    double r[3];
    box_to_cart(s.box.data(), f, r);
    s.add_atom(i % 3 == 0 ? "O" : "Li", r[0], r[1], r[2], "test");
  }
  return s;
}

TEST(Rdf, MatchesABruteForceCountOverPeriodicImages) {
  const double r_max = 7.5;  // beyond half of every cell width
  const int bins = 30;
  RdfAccumulator rdf(2, r_max, bins);
  std::vector<double> hist(3 * bins, 0.0), norm(3, 0.0), atoms(2, 0.0);
  for (unsigned frame = 0; frame < 3; ++frame) {
    const System s = two_species_triclinic(frame + 1);
    rdf.add_frame(s);
    double count[2] = {0, 0};
    for (int t : s.type) count[t] += 1;
    for (const testing::Pair& pair : testing::brute_force_pairs(s, r_max)) {
      const int a = s.type[std::get<0>(pair)], c = s.type[std::get<1>(pair)];
      if (a > c) continue;  // unordered pairs, counted from the first type
      hist[(a + c) * bins + static_cast<int>(testing::pair_distance(s, pair) / r_max * bins)] += 1;
    }
    for (int p = 0; p < 3; ++p) {
      const int a = p == 2 ? 1 : 0, c = p == 0 ? 0 : 1;
      norm[p] += count[a] * (count[c] - (a == c)) / s.box.volume();
    }
    atoms[0] += count[0], atoms[1] += count[1];
  }
  ASSERT_EQ(rdf.pairs(), 3);
  double total = 0.0;
  for (int p = 0; p < 3; ++p) {
    const auto [a, c] = rdf.pair_types(p);
    double running = 0.0;
    for (int k = 0; k < bins; ++k) {
      const double lo = k * r_max / bins, hi = (k + 1) * r_max / bins;
      const double shell = 4.0 * M_PI / 3.0 * (hi * hi * hi - lo * lo * lo);
      const double h = hist[(a + c) * bins + k];
      running += h;
      total += h;
      EXPECT_NEAR(rdf.g(p, k), h / (norm[p] * shell), 1e-12) << p << " " << k;
      EXPECT_NEAR(rdf.coordination(p, k, false), running / atoms[a], 1e-12);
      EXPECT_NEAR(rdf.coordination(p, k, true), running / atoms[c], 1e-12);
    }
  }
  EXPECT_GT(total, 1000.0);  // many images counted
}

TEST(Rdf, FccCrystalHasTwelveNeighboursInTheFirstShell) {
  const System s = testing::argon_fcc(3, 1.374, 0.0);
  const double a = s.box.cell()[0][0] / 3;  // lattice constant; shells at a/√2, a, a√(3/2)
  RdfAccumulator rdf(1, 1.1 * a, 110);
  rdf.add_frame(s);
  const auto bin = [&](double r) { return static_cast<int>(r / (1.1 * a) * 110); };
  EXPECT_DOUBLE_EQ(rdf.coordination(0, bin(0.85 * a), false), 12.0);
  EXPECT_DOUBLE_EQ(rdf.coordination(0, bin(1.05 * a), false), 18.0);
  EXPECT_EQ(rdf.g(0, bin(0.6 * a)), 0.0);
  EXPECT_GT(rdf.g(0, bin(a / std::sqrt(2.0))), 10.0);
}

}  // namespace
}  // namespace mdgpu
