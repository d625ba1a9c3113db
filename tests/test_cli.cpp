// The mdgpu command line as a user meets it: --help, --version, --dry-run, a short run with its
// outputs, and bad input answered by exit code 2 and one line naming the file, key or line —
// without touching existing output.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/cli.hpp"
#include "tests/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

using mdgpu::testing::CliResult;
using mdgpu::testing::slurp;

class CliTest : public ::testing::Test {
protected:
  void SetUp() override {
    fs::copy_file(fs::path(MDGPU_SOURCE_DIR) / "inputs/structures/argon_liquid_500.extxyz",
                  dir_ / "argon.extxyz");
  }

  CliResult run(const std::string& args) { return mdgpu::testing::run_mdgpu(dir_, args); }
  void write(const std::string& name, const std::string& text) { tmp_.write(name, text); }

  // A valid input; `extra` is appended and `stage` replaces the stage block.
  std::string input(const std::string& system_extra = "", const std::string& stage = kStage,
                    const std::string& output = kOutput) {
    return "[system]\nstructure = \"argon.extxyz\"\n" + system_extra +
           "\n[potential]\nkind = \"lj\"\ncutoff = 8.5\n"
           "pairs = [ { species = [\"Ar\", \"Ar\"], epsilon = 0.0104, sigma = 3.40 } ]\n" +
           stage + output;
  }
  static constexpr const char* kStage =
      "[[stage]]\nensemble = \"nvt\"\ntemperature = 90.0\ntimestep_fs = 2.0\nsteps = 50\n";
  static constexpr const char* kOutput =
      "[output]\nthermo = { path = \"thermo.csv\", every = 10 }\n"
      "trajectory = { path = \"traj.extxyz\", every = 25, forces = true }\n";

  // Exit code 2 and exactly one line of error that mentions every fragment.
  void expect_input_error(const std::string& toml, std::initializer_list<const char*> fragments) {
    write("in.toml", toml);
    const CliResult r = run("run in.toml");
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    for (const char* f : fragments) EXPECT_NE(r.err.find(f), std::string::npos) << "missing '" << f << "' in: " << r.err;
    EXPECT_FALSE(fs::exists(dir_ / "thermo.csv"));
  }

  mdgpu::testing::TempDir tmp_;
  const fs::path& dir_ = tmp_.path();
};

TEST_F(CliTest, HelpAndVersion) {
  CliResult r = run("--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("mdgpu run"), std::string::npos);
  EXPECT_NE(r.out.find("--dry-run"), std::string::npos);
  r = run("--version");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("mdgpu ", 0), 0u);
  r = run("frobnicate");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command 'frobnicate'"), std::string::npos);
}

TEST_F(CliTest, DryRunPrintsThePlanAndWritesNothing) {
  write("in.toml", input("", std::string(kStage) + "[[stage]]\nname = \"cool\"\nensemble = \"nvt\"\n"
                              "temperature = { start = 90.0, stop = 40.0 }\ntimestep_fs = 1.0\nduration_ps = 0.1\n"));
  const CliResult r = run("run --dry-run in.toml");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("50 steps"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("T 90 -> 40 K"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("total     150 steps"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("thermo.csv every 10 steps"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "thermo.csv"));
}

// Words the corpus (tests/bad_inputs) cannot spell: an empty option value.
TEST_F(CliTest, EmptyOptionValuesAreRefused) {
  write("in.toml", input());
  for (const char* args : {"run --backend '' in.toml", "run --restart '' in.toml"}) {
    const CliResult r = run(args);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_NE(r.err.find("needs a"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_FALSE(fs::exists(dir_ / "thermo.csv"));
}

TEST_F(CliTest, RunWritesThermoAndTrajectoryAndReportsProgress) {
  write("in.toml", input());
  const CliResult r = run("run in.toml");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("step 50/50"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ns/day"), std::string::npos);
  EXPECT_NE(r.out.find("ETA"), std::string::npos);
  const std::string thermo = slurp(dir_ / "thermo.csv");
  EXPECT_EQ(std::count(thermo.begin(), thermo.end(), '\n'), 1 + 6);  // header + steps 0..50 by 10
  EXPECT_EQ(thermo.rfind("step,time_ps,stage,temperature_K", 0), 0u);
  const std::string traj = slurp(dir_ / "traj.extxyz");
  std::size_t frames = 0;
  for (std::size_t p = traj.find("Lattice="); p != std::string::npos; p = traj.find("Lattice=", p + 1)) ++frames;
  EXPECT_EQ(frames, 3u);  // steps 0, 25, 50
  EXPECT_NE(traj.find("forces:R:3"), std::string::npos);
}

TEST_F(CliTest, RefusesToOverwriteExistingOutput) {
  write("in.toml", input());
  write("thermo.csv", "precious\n");
  const CliResult r = run("run in.toml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(dir_ / "thermo.csv"), "precious\n");
  EXPECT_FALSE(fs::exists(dir_ / "traj.extxyz"));
  EXPECT_EQ(run("run --overwrite in.toml").code, 0);
}

TEST_F(CliTest, BadInputGetsExitCode2AndOneLine) {
  expect_input_error(input("", "[[stage]]\nensemble = \"nvt\"\ntemperature = 90.0\ntimestep_fs = 2.0\nstep = 5\n"),
                     {"in.toml", "step", "did you mean 'steps'"});
  expect_input_error(input("", "[[stage]]\nensemble = \"nve\"\ntimestep_fs = \"two\"\nsteps = 5\n"),
                     {"in.toml:", "timestep_fs"});
  expect_input_error(input("", "[[stage]]\nensemble = \"nve\"\ntimestep_fs = -1.0\nsteps = 5\n"),
                     {"in.toml:", "timestep_fs"});
  expect_input_error(input() + "[broken\n", {"in.toml:", "TOML"});
  expect_input_error(input().replace(input().find("argon.extxyz"), 12, "missing.xyz"), {"missing.xyz"});
}

TEST_F(CliTest, BadStructuresGetExitCode2AndOneLine) {
  const std::string lattice = "Lattice=\"10 0 0 0 10 0 0 0 10\" Properties=species:S:1:pos:R:3";
  auto structure_input = [&](const std::string& xyz) {
    write("s.extxyz", xyz);
    std::string toml = input();
    return toml.replace(toml.find("argon.extxyz"), 12, "s.extxyz");
  };
  expect_input_error(structure_input("2\n" + lattice + "\nAr 0 0 0\nXx 1 1 1\n"), {"s.extxyz:4", "Xx"});
  expect_input_error(structure_input("3\n" + lattice + "\nAr 0 0 0\nAr 1 1 1\n"), {"s.extxyz"});
  expect_input_error(structure_input("2\n" + lattice + "\nAr 0 0 0\nAr 0.3 0 0\n"),
                     {"atoms 1 (Ar) and 2 (Ar)", "0.3000 Å", "min_distance"});
  expect_input_error(
      structure_input("2\nLattice=\"10 0 0 0 10 0 20 0 0\" Properties=species:S:1:pos:R:3\nAr 0 0 0\nAr 3 0 0\n"),
      {"s.extxyz", "zero volume"});
}

TEST_F(CliTest, UnknownSpeciesPairIsNamed) {
  write("two.extxyz", "2\nLattice=\"20 0 0 0 20 0 0 0 20\" Properties=species:S:1:pos:R:3\nAr 0 0 0\nKr 4 0 0\n");
  std::string toml = input();
  write("in.toml", toml.replace(toml.find("argon.extxyz"), 12, "two.extxyz"));
  const CliResult r = run("run in.toml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("Ar-Kr"), std::string::npos) << r.err;
}

}  // namespace
