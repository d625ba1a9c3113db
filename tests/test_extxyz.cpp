// Extended XYZ: real files (nequip's aspirin set, a GAP-20 carbon frame), comment-line parsing,
// velocity conventions, exact write -> read round trips, error messages with file:line, and
// ASE (Debian's python3-ase) reading what we write.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "tests/json_text.hpp"
#include "tests/input_error.hpp"
#include "tests/temp_dir.hpp"
#include "core/units.hpp"
#include "io/extxyz.hpp"

namespace mdgpu {
namespace {

namespace fs = std::filesystem;

using testing::json_cell;
using testing::json_symbols;
using testing::json_vectors;
using testing::slurp;
using testing::TempDir;


const double kAseTimeInPs = std::sqrt(units::kMvv2e);

TEST(ExtxyzRead, AspirinFifteenFramesOfTwentyOneAtoms) {
  const auto frames = read_extxyz(MDGPU_TEST_DATA "/structures/nequip-tests_aspirin.xyz");
  ASSERT_EQ(frames.size(), 15u);
  for (const Frame& f : frames) {
    ASSERT_EQ(f.system.size(), 21u);
    EXPECT_FALSE(f.system.box.any_periodic());
    EXPECT_FALSE(f.system.box.has_volume());
    EXPECT_FALSE(f.system.has_velocities);
    ASSERT_TRUE(info_numbers(f, "energy").has_value());
    ASSERT_EQ(f.arrays.count("forces"), 1u);
    EXPECT_EQ(f.arrays.at("forces").columns, 3);
    EXPECT_EQ(f.arrays.at("forces").values.size(), 63u);
    EXPECT_EQ(f.info.count("pbc"), 0u);
    EXPECT_EQ(f.info.count("Properties"), 0u);
  }
  const Frame& f = frames[0];
  EXPECT_EQ(f.system.species, (std::vector<std::string>{"C", "O", "H"}));
  EXPECT_EQ((*info_numbers(f, "energy"))[0], -405681.6);
  EXPECT_EQ(f.system.species[f.system.type[0]], "C");
  EXPECT_EQ(f.system.positions.x[0], 2.13448882);
  EXPECT_EQ(f.system.positions.y[0], -0.98436105);
  EXPECT_EQ(f.system.positions.z[0], -0.19521789);
  EXPECT_EQ(f.arrays.at("forces").values[0], -38.77897263);
  EXPECT_EQ(f.arrays.at("forces").values[2], 32.24373245);
  EXPECT_NE(f.where.find("nequip-tests_aspirin.xyz:2"), std::string::npos);
  EXPECT_NE(frames[1].where.find("nequip-tests_aspirin.xyz:25"), std::string::npos);
  // read_extxyz_first gives the same first frame.
  const System first = read_extxyz_first(MDGPU_TEST_DATA "/structures/nequip-tests_aspirin.xyz");
  EXPECT_EQ(first.size(), 21u);
  EXPECT_EQ(first.positions.z, f.system.positions.z);
}

TEST(ExtxyzRead, Gap20CarbonFrameFromLtauFf) {
  const fs::path path = fs::path(MDGPU_SOURCE_DIR) /
                        "../shared/real/nequip_models/ltau-ff_GAP20_carbon/sample_215_GAP20.extxyz";
  if (!fs::exists(path)) GTEST_SKIP() << "not present (unlicensed, not in the repo): " << path;
  const auto frames = read_extxyz(path);
  ASSERT_EQ(frames.size(), 1u);
  const Frame& f = frames[0];
  ASSERT_EQ(f.system.size(), 170u);
  EXPECT_EQ(f.system.species, std::vector<std::string>{"C"});
  EXPECT_EQ(f.system.box.cell()[1][0], 12.43438517);
  EXPECT_EQ(f.system.box.cell()[1][1], 21.53698605);
  EXPECT_EQ(f.system.box.cell()[2][2], 15.66732542);
  EXPECT_TRUE(f.system.box.has_volume());
  EXPECT_EQ(f.info.at("config_type"), "Defects");
  EXPECT_EQ((*info_numbers(f, "energy"))[0], -1158.57198259);
  const auto virial = *info_numbers(f, "virial");
  ASSERT_EQ(virial.size(), 9u);
  EXPECT_EQ(virial[0], -118.64182464);
  EXPECT_EQ(virial[8], -26.99663107);
  EXPECT_EQ(f.arrays.at("user_label2").values[0], 13047.0);
  EXPECT_EQ(f.arrays.at("forces").values.size(), 510u);
  EXPECT_EQ(f.arrays.at("forces").values[0], 4.37310876);
  EXPECT_EQ(f.system.positions.x[0], 13.75969139);
}

TEST(ExtxyzRead, CommentLineKeyValues) {
  TempDir dir;
  const auto path = dir.write("kv.extxyz",
                              "1\n"
                              "Lattice=\"4 0 0 0 5 0 0 0 6\" Properties=species:S:1:pos:R:3 "
                              "energy=-1.0 flag  spaced = 3 name='two words' braces={1 2 3} "
                              "esc=\"a \\\"q\\\" b\" config_type=Defects pbc=\"T T F\" last\n"
                              "H 0 0 0\n");
  const Frame f = read_extxyz(path)[0];
  const std::map<std::string, std::string> expected{
      {"energy", "-1.0"},     {"flag", "T"},          {"spaced", "3"},
      {"name", "two words"},  {"braces", "1 2 3"},    {"esc", "a \"q\" b"},
      {"config_type", "Defects"}, {"last", "T"}};
  EXPECT_EQ(f.info, expected);
  EXPECT_EQ(f.system.box.periodic(), (std::array<bool, 3>{true, true, false}));
  EXPECT_EQ(f.system.box.cell()[1][1], 5.0);
  EXPECT_EQ(*info_numbers(f, "braces"), (std::vector<double>{1, 2, 3}));
  EXPECT_FALSE(info_numbers(f, "missing").has_value());
  EXPECT_THROW(info_numbers(f, "name"), InputError);
}

TEST(ExtxyzRead, PbcDefaultsAndColumnAliases) {
  TempDir dir;
  const auto with_lattice =
      dir.write("a.extxyz", "2\nLattice=\"3 0 0 0 3 0 0 0 3\" "
                            "Properties=symbols:S:1:positions:R:3:Z:I:1:fixed:L:1:tag:S:1\n"
                            "Li 0 0 0 3 T a\nO 1.5 1.5 1.5 8 F b\n");
  const Frame f = read_extxyz(with_lattice)[0];
  EXPECT_EQ(f.system.box.periodic(), (std::array<bool, 3>{true, true, true}));
  EXPECT_EQ(f.system.positions.x[1], 1.5);
  EXPECT_EQ(f.arrays.at("Z").values, (std::vector<double>{3, 8}));
  EXPECT_EQ(f.arrays.at("fixed").values, (std::vector<double>{1, 0}));
  EXPECT_EQ(f.arrays.count("tag"), 0u);  // string columns other than species are skipped
  EXPECT_EQ(f.arrays.count("symbols"), 0u);

  const auto plain = dir.write("b.xyz", "1\nan ordinary xyz comment\nN 0 0 1\n");
  const System s = read_extxyz_first(plain);
  EXPECT_EQ(s.box.periodic(), (std::array<bool, 3>{false, false, false}));
  EXPECT_EQ(s.positions.z[0], 1.0);
}

TEST(ExtxyzRead, VelocitiesAreAngstromPerPsAndMomentaAreAseUnits) {
  TempDir dir;
  // Li has the standard mass 6.94 amu.
  const auto v = dir.write("v.extxyz", "1\nProperties=species:S:1:pos:R:3:velocities:R:3\n"
                                       "Li 0 0 0 1.5 -2 3\n");
  const System sv = read_extxyz_first(v);
  EXPECT_TRUE(sv.has_velocities);
  EXPECT_EQ(sv.velocities.x[0], 1.5);
  EXPECT_EQ(sv.velocities.z[0], 3.0);

  const auto p = dir.write("p.extxyz", "1\nProperties=species:S:1:pos:R:3:momenta:R:3\n"
                                       "Li 0 0 0 0.694 0 -1.388\n");
  const System sp = read_extxyz_first(p);
  EXPECT_TRUE(sp.has_velocities);
  EXPECT_DOUBLE_EQ(sp.velocities.x[0], 0.1 / kAseTimeInPs);
  EXPECT_DOUBLE_EQ(sp.velocities.z[0], -0.2 / kAseTimeInPs);
  // ~9.82 Å/ps per 0.1 Å/t_ASE: t_ASE is about 10.18 fs.
  EXPECT_NEAR(sp.velocities.x[0], 9.8227, 1e-3);

  const auto pm = dir.write("pm.extxyz", "1\nProperties=species:S:1:pos:R:3:momenta:R:3:masses:R:1\n"
                                         "Li 0 0 0 1 0 0 2\n");
  EXPECT_DOUBLE_EQ(read_extxyz_first(pm).velocities.x[0], 0.5 / kAseTimeInPs);

  const auto both = dir.write("both.extxyz",
                              "1\nProperties=species:S:1:pos:R:3:momenta:R:3:velocities:R:3\n"
                              "Li 0 0 0 1 1 1 4 5 6\n");
  EXPECT_EQ(read_extxyz_first(both).velocities.y[0], 5.0);
}

System make_system(const Box& box, int n, unsigned seed, bool velocities) {
  System s;
  s.box = box;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-3.0, 13.0);
  const char* symbols[] = {"Li", "P", "O", "N"};
  for (int i = 0; i < n; ++i) s.add_atom(symbols[i % 4], u(rng), u(rng), u(rng), "test");
  // Values that need all 17 digits, tiny and huge magnitudes, negative zero.
  s.positions.x[0] = 0.1 + 0.2;
  s.positions.y[0] = 1e-300;
  s.positions.z[0] = -0.0;
  s.positions.x[1] = 123456789.123456789;
  if (velocities) {
    for (int i = 0; i < n; ++i) {
      s.velocities.x[i] = u(rng) * 3.1;
      s.velocities.y[i] = u(rng) / 7.0;
      s.velocities.z[i] = -u(rng) * 1e-3;
    }
    s.has_velocities = true;
  }
  return s;
}

Vec3Array make_forces(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0.0, 1.7);
  Vec3Array f;
  for (std::size_t i = 0; i < n; ++i) {
    f.x.push_back(g(rng));
    f.y.push_back(g(rng));
    f.z.push_back(g(rng));
  }
  return f;
}

const Box kTriclinic(Mat3{Vec3{10.1, 0, 0}, Vec3{2.3, 9.7, 0}, Vec3{-1.1, 0.7, 11.3}},
                     {true, true, true});

void expect_same_atoms(const System& a, const System& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.species[a.type[i]], b.species[b.type[i]]) << "atom " << i;
    EXPECT_EQ(a.positions.x[i], b.positions.x[i]) << "atom " << i;
    EXPECT_EQ(a.positions.y[i], b.positions.y[i]) << "atom " << i;
    EXPECT_EQ(a.positions.z[i], b.positions.z[i]) << "atom " << i;
    EXPECT_EQ(std::signbit(a.positions.z[i]), std::signbit(b.positions.z[i])) << "atom " << i;
  }
  EXPECT_EQ(a.box.cell(), b.box.cell());
  EXPECT_EQ(a.box.periodic(), b.box.periodic());
  EXPECT_EQ(a.has_velocities, b.has_velocities);
  if (a.has_velocities && b.has_velocities) {
    EXPECT_EQ(a.velocities.x, b.velocities.x);
    EXPECT_EQ(a.velocities.y, b.velocities.y);
    EXPECT_EQ(a.velocities.z, b.velocities.z);
  }
}

TEST(ExtxyzRoundTrip, WriteThenReadIsExact) {
  TempDir dir;
  const System s0 = make_system(kTriclinic, 40, 1, true);
  const System s1 = make_system(kTriclinic, 40, 2, true);
  const Vec3Array forces = make_forces(40, 3);
  std::vector<double> atom_energies(40);
  for (int i = 0; i < 40; ++i) atom_energies[i] = -3.0 - i / 3.0;

  const fs::path path = dir / "traj.extxyz";
  {
    ExtxyzWriter w(path, ExtxyzWriter::Mode::Truncate);
    FrameExtras e;
    e.step = 1234567890123;
    e.time = 0.1 + 0.2;
    e.energy = -1234.5678901234567;
    e.forces = &forces;
    e.atom_energies = &atom_energies;
    w.write_frame(s0, e);
  }
  {
    ExtxyzWriter w(path, ExtxyzWriter::Mode::Append);
    w.write_frame(s1, {});
  }
  const auto frames = read_extxyz(path);
  ASSERT_EQ(frames.size(), 2u);
  expect_same_atoms(s0, frames[0].system);
  expect_same_atoms(s1, frames[1].system);
  const Frame& f = frames[0];
  EXPECT_EQ(f.info.at("step"), "1234567890123");
  EXPECT_EQ((*info_numbers(f, "time"))[0], 0.1 + 0.2);
  EXPECT_EQ((*info_numbers(f, "energy"))[0], -1234.5678901234567);
  const auto& fa = f.arrays.at("forces").values;
  ASSERT_EQ(fa.size(), 120u);
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(fa[3 * i], forces.x[i]);
    EXPECT_EQ(fa[3 * i + 1], forces.y[i]);
    EXPECT_EQ(fa[3 * i + 2], forces.z[i]);
  }
  EXPECT_EQ(f.arrays.at("energies").values, atom_energies);
  // Momenta are ASE's: standard mass x velocity in Å per ASE time unit.
  const auto& p = f.arrays.at("momenta").values;
  EXPECT_DOUBLE_EQ(p[0], 6.94 * s0.velocities.x[0] * kAseTimeInPs);
  EXPECT_EQ(frames[1].info.at("step"), "0");
  EXPECT_EQ(frames[1].info.count("energy"), 0u);
  EXPECT_EQ(frames[1].arrays.count("forces"), 0u);
}

TEST(ExtxyzRoundTrip, SlabAndClusterCells) {
  TempDir dir;
  const Box slab(Mat3{Vec3{5, 0, 0}, Vec3{0, 6, 0}, Vec3{0, 0, 0}}, {true, true, false});
  const System s_slab = make_system(slab, 8, 4, false);
  const System s_cluster = make_system(Box(), 5, 5, true);
  const fs::path slab_path = dir / "slab.extxyz", cluster_path = dir / "cluster.extxyz";
  ExtxyzWriter(slab_path, ExtxyzWriter::Mode::Truncate).write_frame(s_slab);
  ExtxyzWriter(cluster_path, ExtxyzWriter::Mode::Truncate).write_frame(s_cluster);
  expect_same_atoms(s_slab, read_extxyz_first(slab_path));
  expect_same_atoms(s_cluster, read_extxyz_first(cluster_path));
  const std::string cluster_text = slurp(cluster_path);
  EXPECT_NE(slurp(slab_path).find("Lattice=\"5 0 0 0 6 0 0 0 0\""), std::string::npos);
  EXPECT_NE(slurp(slab_path).find("pbc=\"T T F\""), std::string::npos);
  EXPECT_EQ(cluster_text.find("Lattice"), std::string::npos);
  EXPECT_NE(cluster_text.find("pbc=\"F F F\""), std::string::npos);
}

TEST(ExtxyzWriter, ModesFlushingAndVelocityFlag) {
  TempDir dir;
  const System s = make_system(kTriclinic, 6, 7, true);
  const fs::path path = dir / "t.extxyz";
  ExtxyzWriter w(path, ExtxyzWriter::Mode::Truncate);
  w.write_frame(s);
  w.write_frame(s);
  EXPECT_EQ(read_extxyz(path).size(), 2u);  // flushed while the writer is still open
  FrameExtras no_velocities;
  no_velocities.velocities = false;
  ExtxyzWriter(path, ExtxyzWriter::Mode::Append).write_frame(s, no_velocities);
  auto frames = read_extxyz(path);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_TRUE(frames[1].system.has_velocities);
  EXPECT_FALSE(frames[2].system.has_velocities);
  EXPECT_EQ(frames[2].arrays.count("velocities"), 0u);
  ExtxyzWriter(path, ExtxyzWriter::Mode::Truncate).write_frame(s);
  EXPECT_EQ(read_extxyz(path).size(), 1u);
}

TEST(ExtxyzWriter, RejectsBadArguments) {
  TempDir dir;
  EXPECT_THROW(ExtxyzWriter(dir / "no/such/dir/t.extxyz", ExtxyzWriter::Mode::Truncate),
               InputError);
  const System s = make_system(kTriclinic, 4, 8, false);
  const Vec3Array forces = make_forces(3, 9);
  FrameExtras e;
  e.forces = &forces;
  ExtxyzWriter w(dir / "t.extxyz", ExtxyzWriter::Mode::Truncate);
  EXPECT_THROW(w.write_frame(s, e), std::invalid_argument);
}

// ---- errors: InputError whose where() is exactly "file:line" ----------------------------------

struct BadFile {
  const char* name;
  const char* content;
  int line;
  const char* fragment;
};

class ExtxyzErrors : public ::testing::TestWithParam<BadFile> {};

TEST_P(ExtxyzErrors, NameFileAndLine) {
  const BadFile& c = GetParam();
  TempDir dir;
  const fs::path path = dir.write(std::string(c.name) + ".extxyz", c.content);
  testing::expect_input_error([&] { read_extxyz(path); }, fmt::format("{}:{}", path.string(), c.line),
                              c.fragment);
}

INSTANTIATE_TEST_SUITE_P(
    Extxyz, ExtxyzErrors,
    ::testing::Values(
        BadFile{"empty", "", 1, "empty"},
        BadFile{"blank_only", "\n  \n", 1, "empty"},
        BadFile{"count_not_number", "two\n\nH 0 0 0\n", 1, "number of atoms"},
        BadFile{"count_negative", "-1\n\n", 1, "number of atoms"},
        BadFile{"count_extra_token", "1 2\n\nH 0 0 0\n", 1, "number of atoms"},
        BadFile{"no_comment_line", "1\n", 2, "comment line"},
        BadFile{"truncated", "3\n\nH 0 0 0\nH 1 0 0\n", 5, "ends after 2 atom lines"},
        BadFile{"too_few_columns", "2\n\nH 0 0 0\nH 1 0\n", 4, "expected 4 columns"},
        BadFile{"too_many_columns", "1\n\nH 0 0 0 7\n", 3, "expected 4 columns"},
        BadFile{"garbled_number", "1\n\nH 0 0.x 0\n", 3, "expected a number, found '0.x'"},
        BadFile{"nan_coordinate", "1\n\nH nan 0 0\n", 3, "not a finite number"},
        BadFile{"inf_coordinate", "1\n\nH 0 0 -inf\n", 3, "not a finite number"},
        BadFile{"overflow", "1\n\nH 0 0 1e999\n", 3, "expected a number"},
        BadFile{"nan_velocity", "1\nProperties=species:S:1:pos:R:3:velocities:R:3\nH 0 0 0 0 nan 0\n",
                3, "not a finite number"},
        BadFile{"no_species", "1\nProperties=pos:R:3\n0 0 0\n", 2, "no species"},
        BadFile{"no_pos", "1\nProperties=species:S:1:forces:R:3\nH 0 0 0\n", 2, "no pos"},
        BadFile{"species_wrong_type", "1\nProperties=species:R:1:pos:R:3\n1 0 0 0\n", 2,
                "must be S:1"},
        BadFile{"properties_not_triples", "1\nProperties=species:S:1:pos:R\nH 0 0 0\n", 2,
                "triples"},
        BadFile{"properties_bad_type", "1\nProperties=species:S:1:pos:X:3\nH 0 0 0\n", 2,
                "S, R, I or L"},
        BadFile{"velocities_one_column",
                "1\nProperties=species:S:1:pos:R:3:velocities:R:1\nH 0 0 0 1\n", 2, "must be R:3"},
        BadFile{"unknown_element", "2\n\nH 0 0 0\nXx 0 0 0\n", 4, "unknown element 'Xx'"},
        BadFile{"lattice_eight_numbers", "1\nLattice=\"3 0 0 0 3 0 0 0\"\nH 0 0 0\n", 2,
                "9 numbers"},
        BadFile{"lattice_garbled", "1\nLattice=\"3 0 0 0 3 0 0 0 x\"\nH 0 0 0\n", 2,
                "expected a number"},
        BadFile{"lattice_left_handed", "1\nLattice=\"3 0 0 0 0 3 0 3 0\"\nH 0 0 0\n", 2,
                "left-handed"},
        BadFile{"pbc_without_lattice", "1\npbc=\"T T F\"\nH 0 0 0\n", 2, "no Lattice"},
        BadFile{"pbc_two_flags", "1\nLattice=\"3 0 0 0 3 0 0 0 3\" pbc=\"T T\"\nH 0 0 0\n", 2,
                "three T/F"},
        BadFile{"blank_between_frames", "1\n\nH 0 0 0\n\n1\n\nH 0 0 0\n", 4, "blank line"},
        BadFile{"second_frame_bad", "1\n\nH 0 0 0\n1\n\nH 0 y 0\n", 6, "expected a number"},
        BadFile{"frame_longer_than_count", "1\n\nH 0 0 0\nH 1 0 0\n", 4, "number of atoms"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(ExtxyzErrors, MissingFileAndDirectory) {
  TempDir dir;
  testing::expect_input_error([&] { read_extxyz(dir / "absent.extxyz"); },
                              (dir / "absent.extxyz").string(), "file not found");
  EXPECT_THROW(read_extxyz_first(dir / ""), InputError);  // a directory
}

// ---- ASE reads what we write --------------------------------------------------------------------

struct AseFrame {
  const System* system;
  FrameExtras extras;
};

std::string json_frame(const AseFrame& f) {
  const System& s = *f.system;
  const auto& p = s.box.periodic();
  const bool has_cell = s.box.any_periodic() || s.box.has_volume();
  std::string out = fmt::format("{{\"symbols\": {}, \"positions\": {}, ", json_symbols(s),
                                json_vectors(s.positions));
  out += has_cell ? fmt::format("\"cell\": {}, ", json_cell(s.box)) : std::string("\"cell\": null, ");
  out += fmt::format("\"pbc\": [{}, {}, {}], ", p[0], p[1], p[2]);
  const bool v = s.has_velocities && f.extras.velocities;
  out += fmt::format("\"velocities\": {}, ", v ? json_vectors(s.velocities) : "null");
  out += fmt::format("\"forces\": {}, ", f.extras.forces ? json_vectors(*f.extras.forces) : "null");
  out += f.extras.energy ? fmt::format("\"energy\": {}, ", *f.extras.energy) : "\"energy\": null, ";
  std::string energies = "null";
  if (f.extras.atom_energies) energies = fmt::format("[{}]", fmt::join(*f.extras.atom_energies, ", "));
  out += fmt::format("\"energies\": {}, \"step\": {}, \"time\": {}}}", energies, f.extras.step,
                     f.extras.time);
  return out;
}

TEST(ExtxyzAse, AseReadsOrthogonalTriclinicAndClusterFiles) {
  if (std::system("/usr/bin/python3 -c 'import ase' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 cannot import ase (Debian package python3-ase)";
  TempDir dir;
  const Box ortho(Mat3{Vec3{9.8, 0, 0}, Vec3{0, 10.6, 0}, Vec3{0, 0, 12.4}}, {true, true, true});
  const System a0 = make_system(ortho, 12, 11, true), a1 = make_system(ortho, 12, 12, true);
  const System tri = make_system(kTriclinic, 9, 13, true);
  const System cluster = make_system(Box(), 7, 14, false);
  const Vec3Array fa = make_forces(12, 15), fc = make_forces(7, 16);
  std::vector<double> ea(12);
  for (int i = 0; i < 12; ++i) ea[i] = -2.5 + 0.125 * i;

  std::vector<std::pair<std::string, std::vector<AseFrame>>> files(3);
  files[0].first = "ortho.extxyz";
  AseFrame f0{&a0, {}}, f1{&a1, {}};
  f0.extras.step = 100;
  f0.extras.time = 0.1;
  f0.extras.energy = -87.654321;
  f0.extras.forces = &fa;
  f0.extras.atom_energies = &ea;
  f1.extras.step = 200;
  f1.extras.time = 0.2;
  f1.extras.energy = -87.5;
  files[0].second = {f0, f1};
  files[1].first = "triclinic.extxyz";
  AseFrame t0{&tri, {}};
  t0.extras.step = 3;
  t0.extras.time = 0.0015;
  files[1].second = {t0};
  files[2].first = "cluster.extxyz";
  AseFrame c0{&cluster, {}};
  c0.extras.forces = &fc;
  c0.extras.energy = 1.25;
  files[2].second = {c0};

  std::string json = "{\"files\": [";
  for (std::size_t k = 0; k < files.size(); ++k) {
    const fs::path path = dir / files[k].first;
    ExtxyzWriter w(path, ExtxyzWriter::Mode::Truncate);
    std::string frames;
    for (const AseFrame& f : files[k].second) {
      w.write_frame(*f.system, f.extras);
      frames += (frames.empty() ? "" : ", ") + json_frame(f);
    }
    json += fmt::format("{}{{\"path\": \"{}\", \"frames\": [{}]}}", k ? ", " : "", path.string(),
                        frames);
  }
  json += "]}";
  const fs::path spec = dir.write("expected.json", json);
  const fs::path log = dir / "ase.log";
  const int rc = std::system(fmt::format("/usr/bin/python3 {}/tests/python/check_extxyz_ase.py {} "
                                         "> {} 2>&1",
                                         MDGPU_SOURCE_DIR, spec.string(), log.string())
                                 .c_str());
  EXPECT_EQ(rc, 0) << slurp(log);
  EXPECT_NE(slurp(log).find("3 files, 4 frames OK"), std::string::npos) << slurp(log);
}

TEST(ExtxyzAse, WeReadAseMomenta) {
  if (std::system("/usr/bin/python3 -c 'import ase' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 cannot import ase (Debian package python3-ase)";
  TempDir dir;
  const fs::path path = dir / "ase.extxyz";
  const std::string script = fmt::format(
      "from ase import Atoms; from ase.io import write; "
      "a = Atoms('LiPO', positions=[[0, 0, 0], [1, 0, 0], [0, 1.5, 0]], cell=[4, 5, 6], "
      "pbc=[True, True, False]); "
      "a.set_velocities([[0.01, 0.02, -0.03], [0.1, 0, 0], [0, 0, 0.2]]); "
      "write('{}', a, format='extxyz')",
      path.string());
  ASSERT_EQ(std::system(fmt::format("/usr/bin/python3 -c \"{}\"", script).c_str()), 0);
  const System s = read_extxyz_first(path);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.box.periodic(), (std::array<bool, 3>{true, true, false}));
  EXPECT_EQ(s.box.cell()[2][2], 6.0);
  ASSERT_TRUE(s.has_velocities);
  // ASE velocities are Å per ASE time unit; ASE's constants are CODATA 2014, ours 2018.
  EXPECT_NEAR(s.velocities.x[0], 0.01 / kAseTimeInPs, 1e-7 * 0.01 / kAseTimeInPs);
  EXPECT_NEAR(s.velocities.z[0], -0.03 / kAseTimeInPs, 1e-7 * 0.03 / kAseTimeInPs);
  EXPECT_NEAR(s.velocities.x[1], 0.1 / kAseTimeInPs, 1e-7 * 0.1 / kAseTimeInPs);
  EXPECT_NEAR(s.velocities.z[2], 0.2 / kAseTimeInPs, 1e-7 * 0.2 / kAseTimeInPs);
}

}  // namespace
}  // namespace mdgpu
