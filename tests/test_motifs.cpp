// Phosphate motifs on structures whose counts are known by construction: a 2x2x2 supercell of
// beta-Li3PO4 (16 isolated PO4, every O non-bridging) and hand-built units with bridging O and
// apical, bridging and triply bridging N.
#include <array>
#include <cmath>

#include <gtest/gtest.h>

#include "analysis/motifs.hpp"
#include "io/structure.hpp"

namespace mdgpu {
namespace {

using V = std::array<double, 3>;
constexpr double kPO = 1.55, kPN = 1.70;  // Å, bond lengths of the hand-built units

V add(V a, V b, double s = 1.0) { return {a[0] + s * b[0], a[1] + s * b[1], a[2] + s * b[2]}; }

void put(System& s, const char* symbol, V r) { s.add_atom(symbol, r[0], r[1], r[2], "test"); }

// P at p with three O on the tetrahedron corners leaning along the unit vector e; the fourth
// corner, at p - L e, is left to the caller (apical, or shared with another unit).
void p_with_three_o(System& s, V p, V e) {
  const V z{0.0, 0.0, 1.0};
  V f2{e[1] * z[2] - e[2] * z[1], e[2] * z[0] - e[0] * z[2], e[0] * z[1] - e[1] * z[0]};
  const double n = std::sqrt(f2[0] * f2[0] + f2[1] * f2[1] + f2[2] * f2[2]);
  for (double& c : f2) c /= n;
  const V f1{f2[1] * e[2] - f2[2] * e[1], f2[2] * e[0] - f2[0] * e[2], f2[0] * e[1] - f2[1] * e[0]};
  put(s, "P", p);
  for (double phi : {0.0, 2.0 * M_PI / 3.0, 4.0 * M_PI / 3.0}) {
    V u = add(V{e[0] / 3, e[1] / 3, e[2] / 3}, f1, 2.0 * std::sqrt(2.0) / 3.0 * std::cos(phi));
    u = add(u, f2, 2.0 * std::sqrt(2.0) / 3.0 * std::sin(phi));
    put(s, "O", add(p, u, kPO));
  }
}

System replicate(const System& cell, int n) {
  System s;
  const Mat3& h = cell.box.cell();
  s.box = Box(
      Mat3{Vec3{n * h[0][0], n * h[0][1], n * h[0][2]}, Vec3{n * h[1][0], n * h[1][1], n * h[1][2]},
           Vec3{n * h[2][0], n * h[2][1], n * h[2][2]}},
      {true, true, true});
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b)
      for (int c = 0; c < n; ++c) {
        double shift[3];
        box_shift(cell.box.data(), a, b, c, shift);
        for (std::size_t i = 0; i < cell.size(); ++i)
          s.add_atom(cell.species[cell.type[i]], cell.positions.x[i] + shift[0],
                     cell.positions.y[i] + shift[1], cell.positions.z[i] + shift[2], "supercell");
      }
  return s;
}

int type(const System& s, const char* symbol) {
  for (std::size_t t = 0; t < s.species.size(); ++t)
    if (s.species[t] == symbol) return static_cast<int>(t);
  return -1;
}

MotifCounts count(const System& s) {
  MotifCounter counter(type(s, "P"), type(s, "O"), type(s, "N"), 2.0, 2.0);
  return counter.count(s);
}

TEST(Motifs, BetaLi3PO4SupercellIsSixteenIsolatedPO4) {
  const System cell =
      read_structure(std::string(MDGPU_TEST_DATA) + "/structures/beta-Li3PO4_mp-13725_POSCAR");
  const System s = replicate(cell, 2);
  ASSERT_EQ(s.size(), 128u);
  const MotifCounts c = count(s);
  MotifCounts want{};
  want[kPO4] = 16;
  want[kONonBridging] = 64;
  EXPECT_EQ(c, want);
}

TEST(Motifs, HandBuiltUnitsWithBridgingOxygenAndApicalBridgingAndTriplyBridgingNitrogen) {
  System s;
  s.box = Box(Mat3{Vec3{60.0, 0.0, 0.0}, Vec3{0.0, 60.0, 0.0}, Vec3{0.0, 0.0, 60.0}},
              {true, true, true});
  const V x{1.0, 0.0, 0.0};
  // PO4 and PO3N: the fourth corner is an apical O or N.
  p_with_three_o(s, {5, 5, 5}, x), put(s, "O", add({5, 5, 5}, x, -kPO));
  p_with_three_o(s, {15, 5, 5}, x), put(s, "N", add({15, 5, 5}, x, -kPN));
  // P2O7 and P2O6N: two tetrahedra sharing a corner.
  p_with_three_o(s, {5, 15, 5}, x), put(s, "O", add({5, 15, 5}, x, -kPO));
  p_with_three_o(s, add({5, 15, 5}, x, -2 * kPO), V{-1, 0, 0});
  p_with_three_o(s, {5, 25, 5}, x), put(s, "N", add({5, 25, 5}, x, -kPN));
  p_with_three_o(s, add({5, 25, 5}, x, -2 * kPN), V{-1, 0, 0});
  // Three PO3 around one N (N_t): P in a unit of three count as P_other.
  const V centre{30, 30, 30};
  put(s, "N", centre);
  for (double a : {0.0, 2.0 * M_PI / 3.0, 4.0 * M_PI / 3.0}) {
    const V d{std::cos(a), std::sin(a), 0.0};
    p_with_three_o(s, add(centre, d, kPN), d);
  }
  // A lone O and a lone N.
  put(s, "O", {45, 45, 45});
  put(s, "N", {50, 50, 50});

  MotifCounts want{};
  want[kPO4] = want[kPO3N] = want[kP2O7] = want[kP2O6N] = 1;
  want[kPOther] = 3;
  want[kNApical] = want[kNBridging] = want[kNTriply] = want[kNFree] = 1;
  want[kOBridging] = 1;
  want[kONonBridging] = 4 + 3 + 6 + 6 + 9;
  want[kOFree] = 1;
  EXPECT_EQ(count(s), want);
}

TEST(Motifs, CutOffsDecideTheBonds) {
  // One PO3N whose N sits at 1.9 Å: bonded with a 2.0 Å P-N cut-off, a PO3 (other) at 1.8 Å.
  System s;
  s.box = Box(Mat3{Vec3{20.0, 0.0, 0.0}, Vec3{0.0, 20.0, 0.0}, Vec3{0.0, 0.0, 20.0}},
              {true, true, true});
  p_with_three_o(s, {5, 5, 5}, {1, 0, 0});
  put(s, "N", {3.1, 5, 5});
  EXPECT_EQ(count(s)[kPO3N], 1);
  MotifCounter tight(type(s, "P"), type(s, "O"), type(s, "N"), 2.0, 1.8);
  const MotifCounts c = tight.count(s);
  EXPECT_EQ(c[kPO3N], 0);
  EXPECT_EQ(c[kPOther], 1);
  EXPECT_EQ(c[kNFree], 1);
}

}  // namespace
}  // namespace mdgpu
