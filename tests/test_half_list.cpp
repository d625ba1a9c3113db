// Half neighbor lists (each pair once, for Newton's third law on the host): the half list with
// every entry mirrored is the brute-force set of pairs, in random triclinic cells narrow enough
// that atoms see several images of a neighbour and of themselves, in slabs and clusters; and pair
// forces, energies and virials over a half list are those over the full list up to rounding; the
// potential's `newton` key chooses the list.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "engine/atoms.hpp"
#include "engine/forces.hpp"
#include "engine/neighbor_list.hpp"
#include "kernels/backend.hpp"
#include "io/potential_kinds.hpp"
#include "model/pair_potential.hpp"
#include "tests/brute_force_pairs.hpp"
#include "tests/md_fixture.hpp"

namespace mdgpu {
namespace {

using testing::Pair;

// Atoms inside the cell (fractional coordinates in [0, 1) along periodic axes), so the build's
// wrap moves none of them and listed shifts are shifts of the original positions.
System cell_system(const Mat3& cell, std::array<bool, 3> pbc, int n, unsigned seed) {
  System s;
  s.box = Box(cell, pbc);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 0; i < n; ++i) {
    const double f[3] = {u(rng), u(rng), u(rng)};
    double r[3];
    box_to_cart(s.box.data(), f, r);
    s.add_atom(i % 2 ? "Li" : "O", r[0], r[1], r[2], "test");
  }
  return s;
}

std::vector<Pair> mirrored_half_list(const System& s, double cutoff, double skin) {
  auto backend = make_backend("cpu", 1);
  Atoms atoms(backend->space(), s);
  NeighborList list(*backend, cutoff, skin, /*half=*/true);
  list.update(atoms.view(), s.box, true);
  const NeighborView v = list.view();
  EXPECT_EQ(v.half, 1);
  std::vector<Pair> out;
  for (int i = 0; i < v.n; ++i)
    for (std::int64_t p = v.offsets[i]; p < v.offsets[i + 1]; ++p) {
      int n0, n1, n2;
      unpack_image(v.image[p], n0, n1, n2);
      out.emplace_back(i, v.index[p], n0, n1, n2);
      out.emplace_back(v.index[p], i, -n0, -n1, -n2);
    }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(HalfNeighborList, MirroredIsEveryPairExactlyOnce) {
  const double cutoff = 4.0, skin = 0.5;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> tilt(-2.0, 2.0);
  for (int trial = 0; trial < 4; ++trial) {
    // Widths from 5 to 12 Å against a list radius of 4.5 Å: several images at the narrow end.
    const double a = 5.0 + 2.0 * trial;
    const Mat3 cell{Vec3{a, 0, 0}, Vec3{tilt(rng), a + 1.0, 0}, Vec3{tilt(rng), tilt(rng), a + 0.5}};
    const System s = cell_system(cell, {true, true, true}, 40 + 10 * trial, 11 + trial);
    SCOPED_TRACE("cell width " + std::to_string(a));
    EXPECT_EQ(mirrored_half_list(s, cutoff, skin), testing::brute_force_pairs(s, cutoff + skin));
  }
  const Mat3 slab_cell{Vec3{9, 0, 0}, Vec3{1, 8, 0}, Vec3{0, 0, 12}};
  const System slab = cell_system(slab_cell, {true, true, false}, 60, 3);
  EXPECT_EQ(mirrored_half_list(slab, cutoff, skin), testing::brute_force_pairs(slab, cutoff + skin));
  const System cluster = cell_system(slab_cell, {false, false, false}, 50, 5);
  EXPECT_EQ(mirrored_half_list(cluster, cutoff, skin), testing::brute_force_pairs(cluster, cutoff + skin));
}

struct Evaluation {
  ForceResult result;
  Vec3Array forces;
  std::vector<double> per_atom;
};

Evaluation evaluate(Backend& backend, const PotentialSpec& spec, const System& s, bool half) {
  const auto pot = make_potential(spec, s, backend);
  Atoms atoms(backend.space(), s);
  NeighborList list(backend, pot->cutoff(), 1.0, half);
  list.update(atoms.view(), s.box, true);
  Buffer<double> per_atom(backend.space(), s.size());
  Evaluation e;
  e.result = pot->compute(atoms.view(), list.view(), s.box, per_atom.data());
  atoms.download_forces(e.forces);
  e.per_atom = per_atom.to_host();
  return e;
}

void expect_half_matches_full(Backend& backend, const PotentialSpec& spec, const System& s) {
  const Evaluation full = evaluate(backend, spec, s, false);
  const Evaluation half = evaluate(backend, spec, s, true);
  const double e = std::fabs(full.result.energy);
  EXPECT_NEAR(half.result.energy, full.result.energy, 1e-12 * e);
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b)
      EXPECT_NEAR(half.result.virial[a][b], full.result.virial[a][b], 1e-12 * e) << a << b;
  for (std::size_t i = 0; i < s.size(); ++i) {
    EXPECT_NEAR(half.forces.x[i], full.forces.x[i], 1e-12);
    EXPECT_NEAR(half.forces.y[i], full.forces.y[i], 1e-12);
    EXPECT_NEAR(half.forces.z[i], full.forces.z[i], 1e-12);
    EXPECT_NEAR(half.per_atom[i], full.per_atom[i], 1e-12);
  }
}

// Lennard-Jones argon: 108 atoms in a cell narrower than twice the list radius (atoms meet their
// own images) and 500 atoms, enough for two threads to share the work (per-thread accumulators
// summed at the end).
TEST(HalfNeighborList, PairForcesMatchTheFullList) {
  for (int cells : {3, 5}) {
    const System s = testing::argon_fcc(cells, 1.374, 0.3, 5);
    for (int threads : {1, 2}) {
      SCOPED_TRACE(std::to_string(s.size()) + " atoms, " + std::to_string(threads) + " threads");
      auto backend = make_backend("cpu", threads);
      expect_half_matches_full(*backend, testing::argon_lj(), s);
    }
  }
}

// Morse with two species and per-pair cut-offs in a triclinic cell.
TEST(HalfNeighborList, MorseWithSpeciesPairsMatchesTheFullList) {
  const Mat3 cell{Vec3{11, 0, 0}, Vec3{1.5, 10, 0}, Vec3{-1, 0.5, 12}};
  const System s = cell_system(cell, {true, true, true}, 120, 9);
  MorseSpec spec;
  spec.cutoff = 5.0;
  auto pair = [](const char* a, const char* b, double d0, double alpha, double r0, double rc) {
    PairCoefficients c;
    c.species_a = a;
    c.species_b = b;
    c.d0 = d0, c.alpha = alpha, c.r0 = r0, c.cutoff = rc;
    return c;
  };
  spec.pairs = {pair("Li", "Li", 0.1, 1.2, 2.8, 0), pair("Li", "O", 0.5, 1.6, 2.0, 4.0),
                pair("O", "O", 0.2, 1.1, 3.0, 0)};
  auto backend = make_backend("cpu", 2);
  expect_half_matches_full(*backend, spec, s);
}

// `newton = true` asks for the half list on the CPU; the default keeps the full list (and with it
// the rounding of runs made before half lists existed).
TEST(HalfNeighborList, NewtonKeyChoosesTheList) {
  const System s = testing::argon_fcc(3, 1.374, 0.3, 5);
  auto backend = make_backend("cpu", 1);
  for (bool newton : {false, true}) {
    LennardJonesSpec spec = testing::argon_lj();
    spec.newton = newton;
    PairPotential pot(spec, s, *backend);
    Atoms atoms(backend->space(), s);
    ForceComputer forces(*backend, pot, 1.0);
    forces.compute(atoms.view(), s.box);
    EXPECT_EQ(forces.neighbors().view().half, newton ? 1 : 0);
  }
}

}  // namespace
}  // namespace mdgpu
