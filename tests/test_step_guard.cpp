// The instability guard's reduction on every backend against a brute-force scan: the largest
// force and one-step displacement (wraps into the cell counted as the lattice vectors they are)
// with their atoms, ties to the lower index, and the first atom with a NaN or infinity.
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "engine/atoms.hpp"
#include "tests/backends.hpp"

namespace mdgpu {
namespace {

class StepGuardTest : public ::testing::TestWithParam<std::string> {};

// More atoms than one host reduction block, so that blocks are merged too.
constexpr int kAtoms = 9000;

struct Scene {
  System before, after;
  Vec3Array forces;
};

Scene scene() {
  Scene s;
  const Mat3 cell{Vec3{40.0, 0, 0}, Vec3{5.0, 42.0, 0}, Vec3{-3.0, 4.0, 45.0}};
  s.before.box = Box(cell, {true, true, true});
  std::mt19937 rng(21);
  std::uniform_real_distribution<double> frac(0.0, 1.0), step(-0.05, 0.05), force(-2.0, 2.0);
  s.forces.resize(kAtoms);
  for (int i = 0; i < kAtoms; ++i) {
    double f[3] = {frac(rng), frac(rng), frac(rng)}, r[3];
    box_to_cart(s.before.box.data(), f, r);
    s.before.add_atom("Ar", r[0], r[1], r[2], "test");
    s.forces.x[i] = force(rng), s.forces.y[i] = force(rng), s.forces.z[i] = force(rng);
  }
  s.after = s.before;
  for (int i = 0; i < kAtoms; ++i) {
    s.after.positions.x[i] += step(rng);
    s.after.positions.y[i] += step(rng);
    s.after.positions.z[i] += step(rng);
    if (i % 7 == 0) {  // wrapped during the step: moved back by a lattice vector, image counted
      double shift[3];
      box_shift(s.after.box.data(), 1, -1, i % 2, shift);
      s.after.positions.x[i] -= shift[0], s.after.positions.y[i] -= shift[1];
      s.after.positions.z[i] -= shift[2];
      s.after.image[0][i] += 1, s.after.image[1][i] -= 1, s.after.image[2][i] += i % 2;
    }
  }
  return s;
}

StepCheck run_check(Backend& backend, const Scene& s) {
  System before = s.before, after = s.after;
  Atoms a(backend.space(), after), b(backend.space(), before);
  const AtomsView av = a.view();
  for (auto [dst, src] : {std::pair{av.fx, &s.forces.x}, {av.fy, &s.forces.y}, {av.fz, &s.forces.z}})
    space_copy(backend.space(), dst, Space::Host, src->data(), src->size() * sizeof(double));
  return backend.check_step(av, b.view(), after.box.data());
}

TEST_P(StepGuardTest, FindsTheLargestForceAndMoveWithTheirAtoms) {
  MDGPU_BACKEND_OR_SKIP(backend, GetParam());
  Scene s = scene();
  // Brute force, with each wrap undone through the image counters.
  int force_atom = 0, move_atom = 0;
  double force_sq = -1, move_sq = -1;
  for (int i = 0; i < kAtoms; ++i) {
    const double f2 = s.forces.x[i] * s.forces.x[i] + s.forces.y[i] * s.forces.y[i] +
                      s.forces.z[i] * s.forces.z[i];
    if (f2 > force_sq) force_sq = f2, force_atom = i;
    double w[3];
    box_shift(s.after.box.data(), s.after.image[0][i] - s.before.image[0][i],
              s.after.image[1][i] - s.before.image[1][i], s.after.image[2][i] - s.before.image[2][i], w);
    const double d[3] = {s.after.positions.x[i] - s.before.positions.x[i] + w[0],
                         s.after.positions.y[i] - s.before.positions.y[i] + w[1],
                         s.after.positions.z[i] - s.before.positions.z[i] + w[2]};
    const double m2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    if (m2 > move_sq) move_sq = m2, move_atom = i;
  }
  StepCheck c = run_check(*backend, s);
  EXPECT_EQ(c.bad_atom, -1);
  EXPECT_EQ(c.force_atom, force_atom);
  EXPECT_EQ(c.force_sq, force_sq);
  EXPECT_EQ(c.move_atom, move_atom);
  EXPECT_EQ(c.move_sq, move_sq);
  EXPECT_LT(c.move_sq, 3 * 0.05 * 0.05);  // the wraps did not count as moves

  // A tie goes to the lower index, whatever block each atom is in.
  for (int i : {8500, 4100}) {
    s.forces.x[i] = 10.0, s.forces.y[i] = s.forces.z[i] = 0.0;
  }
  c = run_check(*backend, s);
  EXPECT_EQ(c.force_atom, 4100);
  EXPECT_EQ(c.force_sq, 100.0);
}

TEST_P(StepGuardTest, NamesTheFirstAtomWithANonFiniteValue) {
  MDGPU_BACKEND_OR_SKIP(backend, GetParam());
  Scene s = scene();
  s.forces.y[7000] = std::numeric_limits<double>::infinity();
  s.after.velocities.z[5000] = std::nan("");
  s.after.positions.x[5000] = std::nan("");
  StepCheck c = run_check(*backend, s);
  EXPECT_EQ(c.bad_atom, 5000);
  EXPECT_EQ(c.bad_what, kBadPosition | kBadVelocity);
  s.after.velocities.z[5000] = 0.0, s.after.positions.x[5000] = 1.0;
  c = run_check(*backend, s);
  EXPECT_EQ(c.bad_atom, 7000);
  EXPECT_EQ(c.bad_what, kBadForce);
}

INSTANTIATE_TEST_SUITE_P(Backends, StepGuardTest, ::testing::ValuesIn(testing::all_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mdgpu
