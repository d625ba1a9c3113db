// VASP POSCAR / CONTCAR: the ann-lipon structures (the LiPON paper's own inputs), scale-factor
// variants, selective dynamics, velocity blocks, and error messages with file:line.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "tests/input_error.hpp"
#include "tests/temp_dir.hpp"
#include "io/poscar.hpp"

namespace mdgpu {
namespace {

namespace fs = std::filesystem;

using testing::slurp;
using testing::TempDir;

const std::string kData = MDGPU_TEST_DATA "/structures/";

double length(const Vec3& v) { return std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]); }

std::vector<int> type_counts(const System& s) {
  std::vector<int> counts(s.species.size());
  for (int t : s.type) ++counts[t];
  return counts;
}

TEST(PoscarAnnLipon, BetaLi3PO4Poscar) {
  const System s = read_poscar(kData + "beta-Li3PO4_mp-13725_POSCAR");
  ASSERT_EQ(s.size(), 16u);
  EXPECT_EQ(s.species, (std::vector<std::string>{"Li", "P", "O"}));
  EXPECT_EQ(type_counts(s), (std::vector<int>{6, 2, 8}));
  EXPECT_EQ(s.box.periodic(), (std::array<bool, 3>{true, true, true}));
  EXPECT_NEAR(length(s.box.cell()[0]), 4.9224, 1e-4);
  EXPECT_NEAR(length(s.box.cell()[1]), 5.2964, 1e-4);
  EXPECT_NEAR(length(s.box.cell()[2]), 6.1761, 1e-4);
  // Direct coordinates (0.509417, 0.844520, 0) of the first Li.
  EXPECT_DOUBLE_EQ(s.positions.x[0], 0.509417 * 4.922448);
  EXPECT_DOUBLE_EQ(s.positions.y[0], 0.844520 * 5.296402);
  EXPECT_EQ(s.positions.z[0], 0.0);
  EXPECT_EQ(s.species[s.type[15]], "O");
  EXPECT_FALSE(s.has_velocities);
  EXPECT_NEAR(s.mass(0), 6.94, 1e-9);
}

TEST(PoscarAnnLipon, BetaLi3PO4RelaxedContcarWithZeroVelocities) {
  const System s = read_poscar(kData + "beta-Li3PO4_mp-13725_CONTCAR_PBE-relaxed");
  ASSERT_EQ(s.size(), 16u);
  EXPECT_EQ(type_counts(s), (std::vector<int>{6, 2, 8}));
  EXPECT_EQ(s.box.cell()[0][0], 4.8985532969188323);
  EXPECT_EQ(s.box.cell()[1][1], 5.2711356412188710);
  EXPECT_EQ(s.box.cell()[2][2], 6.1469417046307351);
  EXPECT_FALSE(s.has_velocities);  // the block is all zeros
  EXPECT_DOUBLE_EQ(s.positions.x[15], 0.6074939339220329 * 4.8985532969188323);
}

TEST(PoscarAnnLipon, Li71P24N1O94Supercell) {
  const System s = read_poscar(kData + "Li71P24N1O94_Li-poor-12_POSCAR");
  ASSERT_EQ(s.size(), 190u);
  EXPECT_EQ(s.species, (std::vector<std::string>{"Li", "P", "N", "O"}));
  EXPECT_EQ(type_counts(s), (std::vector<int>{71, 24, 1, 94}));
  EXPECT_EQ(s.box.cell()[0][0], 14.767344);
  EXPECT_EQ(s.box.cell()[1][1], 10.592804);
  EXPECT_EQ(s.box.cell()[2][2], 12.352272);
  EXPECT_NEAR(s.box.volume(), 14.767344 * 10.592804 * 12.352272, 1e-9);
}

TEST(PoscarAnnLipon, Li7PN4) {
  const System s = read_poscar(kData + "Li7PN4_mp-14712_POSCAR");
  ASSERT_EQ(s.size(), 96u);
  EXPECT_EQ(type_counts(s), (std::vector<int>{56, 8, 32}));
  for (int k = 0; k < 3; ++k) EXPECT_EQ(length(s.box.cell()[k]), 9.402378);
}

TEST(PoscarAnnLipon, LiBccPrimitiveContcar) {
  const System s = read_poscar(kData + "Li_bcc_mp-135_CONTCAR_PBE-relaxed");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s.species, std::vector<std::string>{"Li"});
  EXPECT_EQ(s.box.cell()[0], (Vec3{-1.713409, 1.713409, 1.713409}));
  const double a = 2 * 1.713409;  // conventional cubic edge
  EXPECT_NEAR(s.box.volume(), a * a * a / 2, 1e-9);
  EXPECT_FALSE(s.has_velocities);
}

TEST(PoscarRead, NegativeScaleIsTargetVolume) {
  TempDir dir;
  const auto path = dir.write("POSCAR", "c\n-125\n1 0 0\n0 2 0\n0 0 0.5\nAr\n1\nCartesian\n"
                                        "0.2 0.4 0.1\n");
  const System s = read_poscar(path);
  EXPECT_NEAR(s.box.volume(), 125.0, 1e-9);
  EXPECT_NEAR(s.box.cell()[1][1], 10.0, 1e-12);  // factor 5
  EXPECT_NEAR(s.positions.y[0], 2.0, 1e-12);       // Cartesian positions scale too
}

TEST(PoscarRead, ThreeScaleFactorsSelectiveDynamicsAndKartesian) {
  TempDir dir;
  const auto path = dir.write("x.vasp", "scaled\n2 3 4\n1 0 0\n0 1 0\n0.5 0 1\n  Li_sv  O/1a2b\n"
                                        "  1 1\nSelective dynamics\nkartesian\n"
                                        "0.5 0.5 0.5 T T F\n1 0 0.25 F F F O\n");
  const System s = read_poscar(path);
  EXPECT_EQ(s.species, (std::vector<std::string>{"Li", "O"}));
  EXPECT_EQ(s.box.cell()[2], (Vec3{1.0, 0.0, 4.0}));
  EXPECT_EQ(s.positions.x[0], 1.0);
  EXPECT_EQ(s.positions.y[0], 1.5);
  EXPECT_EQ(s.positions.z[0], 2.0);
  EXPECT_EQ(s.positions.z[1], 1.0);
}

TEST(PoscarRead, DirectTriclinicPositions) {
  TempDir dir;
  const auto path = dir.write("POSCAR", "t\n1.5\n2 0 0\n1 2 0\n0.5 0.5 2\nP\n1\nd\n"
                                        "0.5 0.25 0.5\n");
  const System s = read_poscar(path);
  // f·H with H rows scaled by 1.5: (3,0,0)/2 + (1.5,3,0)/4 + (0.75,0.75,3)/2.
  EXPECT_DOUBLE_EQ(s.positions.x[0], 1.5 + 0.375 + 0.375);
  EXPECT_DOUBLE_EQ(s.positions.y[0], 0.75 + 0.375);
  EXPECT_DOUBLE_EQ(s.positions.z[0], 1.5);
}

TEST(PoscarRead, VelocitiesInAngstromPerFemtosecond) {
  TempDir dir;
  const std::string head = "v\n1\n5 0 0\n0 5 0\n0 0 5\nLi O\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n";
  // CONTCAR style: a blank line, then Cartesian velocities, then a predictor-corrector block.
  const auto contcar = dir.write("CONTCAR", head + "\n 0.01 -0.02 0.003\n 0 0 1e-3\n\n 1\n 0.1\n");
  const System s = read_poscar(contcar);
  ASSERT_TRUE(s.has_velocities);
  EXPECT_DOUBLE_EQ(s.velocities.x[0], 10.0);  // Å/ps
  EXPECT_DOUBLE_EQ(s.velocities.y[0], -20.0);
  EXPECT_DOUBLE_EQ(s.velocities.z[0], 3.0);
  EXPECT_DOUBLE_EQ(s.velocities.z[1], 1.0);
  // POSCAR style: a "Cartesian" mode line.
  const auto poscar = dir.write("POSCAR", head + "Cartesian\n0 0 0\n0.001 0 0\n");
  EXPECT_DOUBLE_EQ(read_poscar(poscar).velocities.x[1], 1.0);
  // Trailing blank lines are not a velocity block.
  EXPECT_FALSE(read_poscar(dir.write("POSCAR2", head + "\n\n  \n")).has_velocities);
}

// ---- errors: InputError whose where() is exactly "file:line" ----------------------------------

struct BadPoscar {
  const char* name;
  std::string content;
  int line;
  const char* fragment;
};

class PoscarErrors : public ::testing::TestWithParam<BadPoscar> {};

TEST_P(PoscarErrors, NameFileAndLine) {
  const BadPoscar& c = GetParam();
  TempDir dir;
  const fs::path path = dir.write(std::string(c.name) + "_POSCAR", c.content);
  testing::expect_input_error([&] { read_poscar(path); }, fmt::format("{}:{}", path.string(), c.line),
                              c.fragment);
}

const std::string kCell = "c\n1.0\n4 0 0\n0 4 0\n0 0 4\n";  // lines 1-5

INSTANTIATE_TEST_SUITE_P(
    Poscar, PoscarErrors,
    ::testing::Values(
        BadPoscar{"empty", "", 1, "empty"},
        BadPoscar{"only_comment", "c\n", 2, "scale factor"},
        BadPoscar{"scale_garbled", "c\none\n4 0 0\n0 4 0\n0 0 4\nLi\n1\nD\n0 0 0\n", 2,
                  "expected a number"},
        BadPoscar{"scale_two_numbers", "c\n1 2\n4 0 0\n0 4 0\n0 0 4\nLi\n1\nD\n0 0 0\n", 2,
                  "one or three"},
        BadPoscar{"scale_zero", "c\n0\n4 0 0\n0 4 0\n0 0 4\nLi\n1\nD\n0 0 0\n", 2, "zero"},
        BadPoscar{"scale_three_negative", "c\n1 -1 1\n4 0 0\n0 4 0\n0 0 4\nLi\n1\nD\n0 0 0\n", 2,
                  "positive"},
        BadPoscar{"lattice_short", "c\n1\n4 0 0\n0 4\n0 0 4\nLi\n1\nD\n0 0 0\n", 4,
                  "expected 3 numbers"},
        BadPoscar{"lattice_nan", "c\n1\n4 0 0\n0 4 0\n0 0 nan\nLi\n1\nD\n0 0 0\n", 5,
                  "not a finite number"},
        BadPoscar{"lattice_missing", "c\n1\n4 0 0\n0 4 0\n", 5, "lattice vectors"},
        BadPoscar{"left_handed", "c\n1\n4 0 0\n0 0 4\n0 4 0\nLi\n1\nD\n0 0 0\n", 3, "left-handed"},
        BadPoscar{"vasp4", kCell + "6 2 8\nDirect\n0 0 0\n", 6, "VASP 4"},
        BadPoscar{"unknown_element", kCell + "Li Qq\n1 1\nD\n0 0 0\n0 0 0\n", 6,
                  "unknown element 'Qq'"},
        BadPoscar{"counts_mismatch", kCell + "Li P\n1\nD\n0 0 0\n", 7, "expected 2 atom counts"},
        BadPoscar{"counts_garbled", kCell + "Li\nx\nD\n0 0 0\n", 7, "expected an integer"},
        BadPoscar{"counts_zero", kCell + "Li\n0\nD\n", 7, "sum to zero"},
        BadPoscar{"mode_missing", kCell + "Li\n1\n0 0 0\n", 8, "'Direct' or 'Cartesian'"},
        BadPoscar{"truncated_positions", kCell + "Li O\n2 1\nDirect\n0 0 0\n0.5 0 0\n", 11,
                  "position of atom 3"},
        BadPoscar{"position_garbled", kCell + "Li\n2\nSelective\nD\n0 0 0 T T T\n0 0.5.1 0 F F F\n",
                  11, "expected a number"},
        BadPoscar{"position_inf", kCell + "Li\n1\nC\n0 inf 0\n", 9, "not a finite number"},
        BadPoscar{"too_many_positions", kCell + "Li\n1\nD\n0 0 0\n0.5 0.5 0.5\n", 10,
                  "more coordinate lines"},
        BadPoscar{"direct_velocities", kCell + "Li\n1\nD\n0 0 0\nDirect\n0 0 0\n", 10,
                  "direct velocities"},
        BadPoscar{"lattice_velocities", kCell + "Li\n1\nD\n0 0 0\nLattice velocities and vectors\n",
                  10, "lattice velocities"},
        BadPoscar{"velocities_truncated", kCell + "Li\n2\nD\n0 0 0\n0.5 0.5 0.5\n\n0.1 0 0\n", 13,
                  "1 of 2"},
        BadPoscar{"velocity_garbled", kCell + "Li\n1\nD\n0 0 0\n\n0.1 0 zz\n", 11,
                  "expected a number"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(PoscarErrors, MissingFile) {
  TempDir dir;
  testing::expect_input_error([&] { read_poscar(dir / "POSCAR"); }, (dir / "POSCAR").string(),
                              "file not found");
}

}  // namespace
}  // namespace mdgpu
