// Lennard-Jones and Morse through the Potential interface: forces are minus the finite-difference
// energy gradient, the virial is minus the finite-difference strain derivative, the shifted
// energy vanishes at the cut-off, and every backend gives the same numbers.
#include <cmath>
#include <random>

#include "engine/atoms.hpp"
#include "core/errors.hpp"
#include "engine/neighbor_list.hpp"
#include "io/potential_kinds.hpp"
#include "model/pair_potential.hpp"
#include "tests/backends.hpp"
#include "tests/md_fixture.hpp"

namespace mdgpu {
namespace {

MorseSpec morse_lio() {
  MorseSpec p;
  p.cutoff = 6.0;
  for (auto [a, b, d0, alpha, r0] : {std::tuple{"Li", "Li", 0.2, 1.1, 3.0},
                                     std::tuple{"Li", "O", 0.8, 1.6, 2.0},
                                     std::tuple{"O", "O", 0.1, 1.3, 3.2}}) {
    PairCoefficients c;
    c.species_a = a, c.species_b = b, c.d0 = d0, c.alpha = alpha, c.r0 = r0;
    p.pairs.push_back(c);
  }
  p.pairs[1].cutoff = 5.0;  // a per-pair cut-off
  return p;
}

// A small triclinic Li/O cell: widths below the cut-off, so images of atoms (and of themselves)
// interact.
System small_lio(unsigned seed) {
  System s;
  s.box = Box(Mat3{Vec3{5.1, 0, 0}, Vec3{1.2, 4.9, 0}, Vec3{-0.8, 1.0, 5.6}}, {true, true, true});
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  const double frac[6][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}, {0.25, 0.25, 0.25}, {0.75, 0.75, 0.75}};
  for (int i = 0; i < 6; ++i) {
    double f[3], r[3];
    for (int k = 0; k < 3; ++k) f[k] = frac[i][k] + 0.05 * (u(rng) - 0.5);
    box_to_cart(s.box.data(), f, r);
    s.add_atom(i < 4 ? "Li" : "O", r[0], r[1], r[2], "small_lio");
  }
  return s;
}

struct Evaluation {
  ForceResult result;
  Vec3Array forces;
  std::vector<double> per_atom;
};

Evaluation evaluate(Backend& backend, const PotentialSpec& spec, const System& s) {
  const auto pot = make_potential(spec, s, backend);
  Atoms atoms(backend.space(), s);
  NeighborList list(backend, pot->cutoff(), 0.0);
  list.update(atoms.view(), s.box, true);
  Buffer<double> per_atom(backend.space(), s.size());
  Evaluation e;
  e.result = pot->compute(atoms.view(), list.view(), s.box, per_atom.data());
  atoms.download_forces(e.forces);
  per_atom.download(e.per_atom);
  return e;
}

double energy(Backend& backend, const PotentialSpec& spec, const System& s) {
  return evaluate(backend, spec, s).result.energy;
}

class PairPotentialTest : public ::testing::TestWithParam<std::string> {};

TEST_P(PairPotentialTest, ForcesAndVirialAreEnergyDerivatives) {
  MDGPU_BACKEND_OR_SKIP(backend, GetParam());
  for (const PotentialSpec& spec : std::vector<PotentialSpec>{morse_lio(), testing::argon_lj(6.0)}) {
    System s = std::holds_alternative<LennardJonesSpec>(spec) ? testing::argon_fcc(2, 1.374, 0.3, 9) : small_lio(4);
    const Evaluation e = evaluate(*backend, spec, s);
    double per_atom_sum = 0;
    for (double v : e.per_atom) per_atom_sum += v;
    EXPECT_NEAR(per_atom_sum, e.result.energy, 1e-12 * std::fabs(e.result.energy));

    const double h = 1e-5;
    for (std::size_t i = 0; i < std::min<std::size_t>(s.size(), 6); ++i)
      for (int k = 0; k < 3; ++k) {
        auto& coord = k == 0 ? s.positions.x : k == 1 ? s.positions.y : s.positions.z;
        const double x0 = coord[i];
        coord[i] = x0 + h;
        const double ep = energy(*backend, spec, s);
        coord[i] = x0 - h;
        const double em = energy(*backend, spec, s);
        coord[i] = x0;
        const double f = k == 0 ? e.forces.x[i] : k == 1 ? e.forces.y[i] : e.forces.z[i];
        EXPECT_NEAR(f, -(ep - em) / (2 * h), 1e-7) << kind_of(spec).name << " atom " << i << " axis " << k;
      }
    // Virial W_ab = -dE/d(eps_ab) for a symmetric strain applied to cell and positions.
    for (int a = 0; a < 3; ++a)
      for (int b = a; b < 3; ++b) {
        auto strained = [&](double eps) {
          double m[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
          m[a][b] += eps / (a == b ? 1 : 2);
          m[b][a] += a == b ? 0 : eps / 2;
          System t = s;
          Mat3 cell = s.box.cell();
          for (auto& row : cell) {
            const Vec3 r = row;
            for (int j = 0; j < 3; ++j) row[j] = r[0] * m[0][j] + r[1] * m[1][j] + r[2] * m[2][j];
          }
          t.box = Box(cell, s.box.periodic());
          for (std::size_t i = 0; i < s.size(); ++i) {
            const double r[3] = {s.positions.x[i], s.positions.y[i], s.positions.z[i]};
            t.positions.x[i] = r[0] * m[0][0] + r[1] * m[1][0] + r[2] * m[2][0];
            t.positions.y[i] = r[0] * m[0][1] + r[1] * m[1][1] + r[2] * m[2][1];
            t.positions.z[i] = r[0] * m[0][2] + r[1] * m[1][2] + r[2] * m[2][2];
          }
          return energy(*backend, spec, t);
        };
        const double dE = (strained(h) - strained(-h)) / (2 * h);
        EXPECT_NEAR(e.result.virial[a][b], -dE, 1e-6 * std::max(1.0, std::fabs(dE)))
            << kind_of(spec).name << " virial " << a << b;
        EXPECT_DOUBLE_EQ(e.result.virial[a][b], e.result.virial[b][a]);
      }
  }
}

TEST_P(PairPotentialTest, ShiftedEnergyVanishesAtTheCutoff) {
  MDGPU_BACKEND_OR_SKIP(backend, GetParam());
  System s;
  s.add_atom("Ar", 0, 0, 0, "t");
  s.add_atom("Ar", 8.5 - 1e-12, 0, 0, "t");  // dE/dr ~ 1e-4 eV/Å: E ~ 1e-16 eV
  EXPECT_NEAR(energy(*backend, testing::argon_lj(8.5), s), 0.0, 1e-14);
  s.positions.x[1] = 3.4;  // r = sigma: unshifted energy 0, shifted energy = -shift
  LennardJonesSpec unshifted = testing::argon_lj(8.5);
  unshifted.shift = false;
  EXPECT_NEAR(energy(*backend, unshifted, s), 0.0, 1e-15);
  const double inv = std::pow(3.4 / 8.5, 6);
  EXPECT_NEAR(energy(*backend, testing::argon_lj(8.5), s), -4 * 0.0104 * (inv * inv - inv), 1e-15);
}

TEST_P(PairPotentialTest, MissingPairCoefficientsAreAnInputError) {
  MDGPU_BACKEND_OR_SKIP(backend, GetParam());
  System s = small_lio(1);
  MorseSpec spec = morse_lio();
  spec.pairs.pop_back();  // no O-O
  EXPECT_THROW(PairPotential(spec, s, *backend), InputError);
}

TEST_P(PairPotentialTest, BackendAgreesWithTheHostReference) {
  MDGPU_BACKEND_OR_SKIP(backend, GetParam());
  auto host = make_backend("cpu");
  const System s = testing::argon_fcc(3, 1.374, 0.3, 5);
  const Evaluation ref = evaluate(*host, testing::argon_lj(), s);
  const Evaluation got = evaluate(*backend, testing::argon_lj(), s);
  EXPECT_NEAR(got.result.energy, ref.result.energy, 1e-12 * std::fabs(ref.result.energy));
  for (std::size_t i = 0; i < s.size(); ++i) {
    EXPECT_NEAR(got.forces.x[i], ref.forces.x[i], 1e-12);
    EXPECT_NEAR(got.forces.y[i], ref.forces.y[i], 1e-12);
    EXPECT_NEAR(got.forces.z[i], ref.forces.z[i], 1e-12);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, PairPotentialTest, ::testing::ValuesIn(testing::all_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mdgpu
