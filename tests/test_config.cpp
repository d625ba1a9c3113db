// io/config: a full input file in engine units, the defaults, and every class of input mistake,
// asserted on what the user reads (file:line, key path, suggestion).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/errors.hpp"
#include "io/config.hpp"
#include "io/potential_kinds.hpp"
#include "io/stage_kinds.hpp"
#include "io/trajectory_formats.hpp"

namespace mdgpu {
namespace {

namespace fs = std::filesystem;

class ConfigTest : public ::testing::Test {
protected:
  // A directory holding the input "run.toml" (never written: the text is parsed in memory), plus
  // a structure and a model file, so that the existence checks pass.
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("mdgpu_config_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "structure.extxyz") << "1\n\nAr 0 0 0\n";
    std::ofstream(dir_ / "model.h5") << "not really a model";
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static fs::path input_name() { return dir_ / "run.toml"; }
  static RunPlan parse(const std::string& text) { return parse_run_plan(text, input_name()); }

  // The message parse() fails with (a test failure when it does not fail).
  static std::string error_of(const std::string& text) {
    try {
      parse(text);
    } catch (const InputError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no InputError for:\n" << text;
    return {};
  }

  // 1-based line of the first line of `text` containing `needle`.
  static int line_of(const std::string& text, const std::string& needle) {
    const std::size_t at = text.find(needle);
    EXPECT_NE(at, std::string::npos) << needle;
    return 1 +
           static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  }

  static fs::path dir_;
};

fs::path ConfigTest::dir_;

#define EXPECT_CONTAINS(haystack, needle)                                                   \
  do {                                                                                      \
    const std::string h_ = (haystack), n_ = (needle);                                       \
    EXPECT_NE(h_.find(n_), std::string::npos) << "message: " << h_ << "\nexpected: " << n_; \
  } while (0)

// Everything but the stages: prepended to each stage-focused case.
const std::string kHead = R"([system]
structure = "structure.extxyz"
[potential]
kind = "lj"
cutoff = 8.5
pairs = [ { species = ["Ar", "Ar"], epsilon = 0.0104, sigma = 3.40 } ]
)";
const std::string kNveStage = "[[stage]]\nensemble = \"nve\"\ntimestep_fs = 1\nsteps = 10\n";

const std::string kFull = R"(# a complete protocol
[system]
structure = "structure.extxyz"
format = "extxyz"
min_distance = 0.8
masses = { Li = 6.94, O = 16 }
velocities = { temperature = 300.0, seed = 42 }

[potential]
kind = "lj"
cutoff = 8.5
shift = false
pairs = [
  { species = ["Li", "Li"], epsilon = 0.0104, sigma = 3.40, cutoff = 8.0 },
  { species = ["O", "Li"], epsilon = 0.02, sigma = 3 },
]

[neighbor]
skin = 0.5

[run]
backend = "cpu"
threads = 4

[[stage]]
name = "melt"
ensemble = "nvt"
temperature = 2000.0
timestep_fs = 2
duration_ps = 1
tdamp_fs = 50
chain_length = 5
chain_substeps = 2

[[stage]]
name = "quench"
ensemble = "nvt"
thermostat = "langevin"
temperature = { start = 2000.0, stop = 250.0 }
timestep_ps = 0.001
steps = 7000
friction_ps = 0.5
seed = 7

[[stage]]
ensemble = "nve"
timestep_fs = 1.0
duration_ps = 0.5

[output]
directory = "out"
overwrite = true
progress_every_s = 0
thermo = { path = "log.csv", every = 10 }

[[output.trajectory]]
path = "traj.extxyz"
every = 50
velocities = true
forces = true

[[output.trajectory]]
path = "/abs/coarse.extxyz"
format = "extxyz"
every = 1000
)";

TEST_F(ConfigTest, FullFileInEngineUnits) {
  const RunPlan plan = parse(kFull);
  EXPECT_EQ(plan.input_file, input_name());
  EXPECT_EQ(plan.structure, dir_ / "structure.extxyz");
  EXPECT_EQ(plan.structure_format, "extxyz");
  EXPECT_DOUBLE_EQ(plan.min_distance, 0.8);
  ASSERT_EQ(plan.masses.size(), 2u);
  EXPECT_DOUBLE_EQ(plan.masses.at("Li"), 6.94);
  EXPECT_DOUBLE_EQ(plan.masses.at("O"), 16.0);
  EXPECT_EQ(plan.velocities.source, VelocitySpec::Source::MaxwellBoltzmann);
  EXPECT_DOUBLE_EQ(plan.velocities.temperature, 300.0);
  EXPECT_EQ(plan.velocities.seed, 42u);

  EXPECT_EQ(kind_of(plan.potential).name, "lj");
  const LennardJonesSpec& lj = std::get<LennardJonesSpec>(plan.potential);
  EXPECT_DOUBLE_EQ(lj.cutoff, 8.5);
  EXPECT_FALSE(lj.shift);
  ASSERT_EQ(lj.pairs.size(), 2u);
  const PairCoefficients& li_li = lj.pairs[0];
  EXPECT_EQ(li_li.species_a, "Li");
  EXPECT_EQ(li_li.species_b, "Li");
  EXPECT_DOUBLE_EQ(li_li.epsilon, 0.0104);
  EXPECT_DOUBLE_EQ(li_li.sigma, 3.40);
  EXPECT_DOUBLE_EQ(li_li.cutoff, 8.0);
  const PairCoefficients& o_li = lj.pairs[1];
  EXPECT_EQ(o_li.species_a, "O");
  EXPECT_EQ(o_li.species_b, "Li");
  EXPECT_DOUBLE_EQ(o_li.sigma, 3.0);
  EXPECT_DOUBLE_EQ(o_li.cutoff, 0.0);  // the global cut-off

  EXPECT_DOUBLE_EQ(plan.neighbor_skin, 0.5);
  EXPECT_EQ(plan.backend, "cpu");
  EXPECT_EQ(plan.threads, 4);

  ASSERT_EQ(plan.stages.size(), 3u);
  const StageSpec& melt = plan.stages[0];
  EXPECT_EQ(melt.name, "melt");
  EXPECT_EQ(kind_of(melt).ensemble, "nvt");
  EXPECT_EQ(kind_of(melt).thermostat, "nose-hoover");
  const NoseHooverStage& melt_nh = std::get<NoseHooverStage>(melt.kind);
  EXPECT_DOUBLE_EQ(melt_nh.temperature.start, 2000.0);
  EXPECT_DOUBLE_EQ(melt_nh.temperature.stop, 2000.0);
  EXPECT_DOUBLE_EQ(melt.timestep, 0.002);
  EXPECT_EQ(melt.steps, 500);
  EXPECT_DOUBLE_EQ(melt_nh.tdamp, 0.05);
  EXPECT_EQ(melt_nh.chain_length, 5);
  EXPECT_EQ(melt_nh.chain_substeps, 2);

  const StageSpec& quench = plan.stages[1];
  EXPECT_EQ(quench.name, "quench");
  EXPECT_EQ(kind_of(quench).thermostat, "langevin");
  const LangevinStage& quench_langevin = std::get<LangevinStage>(quench.kind);
  EXPECT_DOUBLE_EQ(quench_langevin.temperature.start, 2000.0);
  EXPECT_DOUBLE_EQ(quench_langevin.temperature.stop, 250.0);
  EXPECT_DOUBLE_EQ(quench_langevin.temperature.at(0.5), 1125.0);
  EXPECT_DOUBLE_EQ(quench.timestep, 0.001);
  EXPECT_EQ(quench.steps, 7000);
  EXPECT_DOUBLE_EQ(quench_langevin.friction_time, 0.5);
  EXPECT_EQ(quench_langevin.seed, 7u);

  const StageSpec& nve = plan.stages[2];
  EXPECT_EQ(nve.name, "stage3");
  EXPECT_EQ(kind_of(nve).ensemble, "nve");
  EXPECT_EQ(kind_of(nve).thermostat, "");
  EXPECT_DOUBLE_EQ(nve.timestep, 0.001);
  EXPECT_EQ(nve.steps, 500);

  EXPECT_EQ(plan.output_directory, fs::path("out"));
  EXPECT_TRUE(plan.overwrite);
  EXPECT_DOUBLE_EQ(plan.progress_interval, 0.0);
  EXPECT_EQ(plan.thermo.path, fs::path("out/log.csv"));
  EXPECT_EQ(plan.thermo.every, 10);
  ASSERT_EQ(plan.trajectories.size(), 2u);
  EXPECT_EQ(plan.trajectories[0].path, fs::path("out/traj.extxyz"));
  EXPECT_EQ(kind_of(plan.trajectories[0]).name, "extxyz");
  EXPECT_EQ(plan.trajectories[0].every, 50);
  EXPECT_TRUE(plan.trajectories[0].velocities);
  EXPECT_TRUE(plan.trajectories[0].forces);
  EXPECT_EQ(plan.trajectories[1].path, fs::path("/abs/coarse.extxyz"));  // absolute stays
  EXPECT_EQ(plan.trajectories[1].every, 1000);
  EXPECT_FALSE(plan.trajectories[1].velocities);
}

TEST_F(ConfigTest, Defaults) {
  const RunPlan plan = parse(kHead + R"([[stage]]
ensemble = "nvt"
temperature = 300
timestep_fs = 2
steps = 10
[[stage]]
ensemble = "nvt"
thermostat = "langevin"
temperature = 300
timestep_fs = 0.5
steps = 10
)");
  EXPECT_EQ(plan.structure_format, "auto");
  EXPECT_DOUBLE_EQ(plan.min_distance, 0.5);
  EXPECT_TRUE(plan.masses.empty());
  EXPECT_EQ(plan.velocities.source, VelocitySpec::Source::Auto);
  EXPECT_TRUE(std::get<LennardJonesSpec>(plan.potential).shift);
  EXPECT_DOUBLE_EQ(plan.neighbor_skin, 1.0);
  EXPECT_EQ(plan.backend, "auto");
  EXPECT_EQ(plan.threads, 0);
  EXPECT_EQ(plan.output_directory, fs::path("."));
  EXPECT_FALSE(plan.overwrite);
  EXPECT_DOUBLE_EQ(plan.progress_interval, 2.0);
  EXPECT_EQ(plan.thermo.path, fs::path("thermo.csv"));
  EXPECT_EQ(plan.thermo.every, 100);
  EXPECT_TRUE(plan.trajectories.empty());
  EXPECT_EQ(plan.checkpoint.path, fs::path("run.ckpt.h5"));  // named after run.toml
  EXPECT_EQ(plan.checkpoint.every, 10000);
  EXPECT_EQ(plan.checkpoint.every_ps, 0.0);
  EXPECT_DOUBLE_EQ(plan.guard.max_displacement, 1.0);
  EXPECT_DOUBLE_EQ(plan.guard.max_force, 100.0);

  const StageSpec& nh = plan.stages[0];
  EXPECT_EQ(nh.name, "stage1");
  EXPECT_EQ(kind_of(nh).thermostat, "nose-hoover");
  EXPECT_DOUBLE_EQ(std::get<NoseHooverStage>(nh.kind).tdamp, 0.2);  // 100 time steps
  EXPECT_EQ(std::get<NoseHooverStage>(nh.kind).chain_length, 3);
  EXPECT_EQ(std::get<NoseHooverStage>(nh.kind).chain_substeps, 1);
  const StageSpec& langevin = plan.stages[1];
  EXPECT_EQ(langevin.name, "stage2");
  EXPECT_DOUBLE_EQ(std::get<LangevinStage>(langevin.kind).friction_time, 0.05);  // 100 time steps
  EXPECT_EQ(std::get<LangevinStage>(langevin.kind).seed, 1u);
}

TEST_F(ConfigTest, VelocityKeywordsAndSingleTrajectoryTable) {
  const RunPlan plan = parse(R"([system]
structure = "structure.extxyz"
velocities = "zero"
[potential]
kind = "morse"
cutoff = 6
pairs = [ { species = ["Li", "Li"], d0 = 0.5, alpha = 1.2, r0 = 3.0, cutoff = 5 } ]
[output]
trajectory = { every = 20 }
)" + kNveStage);
  EXPECT_EQ(plan.velocities.source, VelocitySpec::Source::Zero);
  const MorseSpec& morse = std::get<MorseSpec>(plan.potential);
  ASSERT_EQ(morse.pairs.size(), 1u);
  EXPECT_DOUBLE_EQ(morse.pairs[0].d0, 0.5);
  EXPECT_DOUBLE_EQ(morse.pairs[0].alpha, 1.2);
  EXPECT_DOUBLE_EQ(morse.pairs[0].r0, 3.0);
  EXPECT_DOUBLE_EQ(morse.pairs[0].cutoff, 5.0);
  ASSERT_EQ(plan.trajectories.size(), 1u);
  EXPECT_EQ(plan.trajectories[0].path, fs::path("traj.extxyz"));
  EXPECT_EQ(plan.trajectories[0].every, 20);
}

TEST_F(ConfigTest, NequipTakesModelAndPrecision) {
  const RunPlan plan = parse(R"([system]
structure = "structure.extxyz"
velocities = "file"
[potential]
kind = "nequip"
model = "model.h5"
precision = "float64"
)" + kNveStage);
  EXPECT_EQ(plan.velocities.source, VelocitySpec::Source::File);
  EXPECT_EQ(kind_of(plan.potential).name, "nequip");
  const NequipSpec& nequip = std::get<NequipSpec>(plan.potential);
  EXPECT_EQ(nequip.model, dir_ / "model.h5");
  EXPECT_EQ(nequip.precision, "float64");

  const std::string missing = R"([system]
structure = "structure.extxyz"
[potential]
kind = "nequip"
model = "absent.h5"
)" + kNveStage;
  const std::string msg = error_of(missing);
  EXPECT_CONTAINS(msg,
                  "run.toml:5: potential.model: file not found: " + (dir_ / "absent.h5").string());
  EXPECT_CONTAINS(
      error_of(R"([system]
structure = "structure.extxyz"
[potential]
kind = "nequip"
model = "model.h5"
cutoff = 5
)" + kNveStage),
      "run.toml:6: potential.cutoff: 'cutoff' applies only to kind = \"lj\" or \"morse\"");
}

TEST_F(ConfigTest, LoadsFileAndResolvesPathsAgainstItsDirectory) {
  const fs::path sub = dir_ / "inputs";
  fs::create_directories(sub);
  const fs::path file = sub / "run.toml";
  std::ofstream(file) << R"([system]
structure = "../structure.extxyz"
[potential]
kind = "lj"
cutoff = 5
pairs = [ { species = ["Ar", "Ar"], epsilon = 0.01, sigma = 3.4 } ]
)" + kNveStage;
  const RunPlan plan = load_run_plan(file);
  EXPECT_EQ(plan.structure, dir_ / "structure.extxyz");
  EXPECT_EQ(plan.input_file, file);

  try {
    load_run_plan(sub / "nope.toml");
    ADD_FAILURE() << "no error for a missing input file";
  } catch (const InputError& e) {
    EXPECT_CONTAINS(e.what(), "nope.toml: input file not found");
  }
}

TEST_F(ConfigTest, SyntaxErrorNamesLineAndColumn) {
  const std::string msg = error_of("[system]\nstructure = \"structure.extxyz\"\ncutoff = = 3\n");
  EXPECT_CONTAINS(msg, "run.toml:3:");
  EXPECT_CONTAINS(msg, "TOML syntax error");
}

TEST_F(ConfigTest, UnknownKeySuggestsTheNearest) {
  const std::string text =
      kHead + kNveStage + "[[stage]]\nensemble = \"nve\"\ntimestep_f = 1\nsteps = 5\n";
  const std::string msg = error_of(text);
  EXPECT_CONTAINS(msg, fmt::format("run.toml:{}: stage[2].timestep_f: unknown key 'timestep_f' in "
                                   "[[stage]] #2; did you mean 'timestep_fs'?",
                                   line_of(text, "timestep_f =")));
  EXPECT_CONTAINS(error_of(kHead + "[neighbour]\nskin = 1\n" + kNveStage),
                  "run.toml:7: neighbour: unknown key 'neighbour' in the top-level table; did you "
                  "mean 'neighbor'?");
  // A swap of two letters counts as one edit.
  EXPECT_CONTAINS(error_of(kHead + "[run]\nbakcend = \"cpu\"\n" + kNveStage),
                  "did you mean 'backend'?");
}

TEST_F(ConfigTest, UnknownKeyWithNothingNearListsTheValidOnes) {
  const std::string msg = error_of(kHead + kNveStage + "[output]\nsnapshots = { every = 10 }\n");
  EXPECT_CONTAINS(msg,
                  "output.snapshots: unknown key 'snapshots' in [output]; valid keys: directory, "
                  "overwrite, progress_every_s, thermo, trajectory, checkpoint");
}

TEST_F(ConfigTest, WrongTypes) {
  EXPECT_CONTAINS(
      error_of(kHead + "[[stage]]\nensemble = \"nve\"\ntimestep_fs = \"2\"\nsteps = 10\n"),
      "run.toml:9: stage[1].timestep_fs: expected a number, got a string (\"2\")");
  EXPECT_CONTAINS(
      error_of(kHead + "[[stage]]\nensemble = \"nve\"\ntimestep_fs = 1\nsteps = 10.0\n"),
      "stage[1].steps: expected an integer, got a float (10)");
  EXPECT_CONTAINS(error_of(kHead + "[output]\noverwrite = 1\n" + kNveStage),
                  "output.overwrite: expected true or false, got an integer");
  EXPECT_CONTAINS(
      error_of(kHead + "[[stage]]\nensemble = \"nve\"\ntimestep_fs = inf\nsteps = 10\n"),
      "stage[1].timestep_fs: expected a finite number, got inf");
  EXPECT_CONTAINS(error_of(kHead + "[neighbor]\nskin = [1]\n" + kNveStage),
                  "neighbor.skin: expected a number, got an array of 1 element(s)");
  EXPECT_CONTAINS(error_of("stage = 3\n" + kHead),
                  "run.toml:1: stage: expected an array of tables");
}

TEST_F(ConfigTest, IntegersAreAcceptedAsNumbers) {
  const RunPlan plan =
      parse(kHead + "[neighbor]\nskin = 2\n" +
            "[[stage]]\nensemble = \"nvt\"\ntemperature = 300\ntimestep_fs = 1\nduration_ps = 2\n");
  EXPECT_DOUBLE_EQ(plan.neighbor_skin, 2.0);
  EXPECT_DOUBLE_EQ(temperature_ramp(plan.stages[0])->start, 300.0);
  EXPECT_EQ(plan.stages[0].steps, 2000);
}

TEST_F(ConfigTest, MissingRequiredKeys) {
  EXPECT_CONTAINS(error_of("[system]\nformat = \"auto\"\n"),
                  "run.toml:1: system.structure: missing required key 'structure' in [system]");
  EXPECT_CONTAINS(error_of("[system]\nstructure = \"structure.extxyz\"\n[potential]\ncutoff = 3\n"),
                  "run.toml:3: potential.kind: missing required key 'kind' in [potential] (one of: "
                  "lj, morse, nequip)");
  EXPECT_CONTAINS(
      error_of("[system]\nstructure = \"structure.extxyz\"\n[potential]\nkind = \"lj\"\n"),
      "potential.cutoff: missing required key 'cutoff'");
  EXPECT_CONTAINS(error_of(kHead + "[[stage]]\ntimestep_fs = 1\nsteps = 10\n"),
                  "run.toml:7: stage[1].ensemble: missing required key 'ensemble' in [[stage]] #1");
}

TEST_F(ConfigTest, StructureFileMustExist) {
  const std::string msg = error_of("[system]\nstructure = \"missing.xyz\"\n");
  EXPECT_CONTAINS(
      msg, "run.toml:2: system.structure: file not found: " + (dir_ / "missing.xyz").string());
  EXPECT_CONTAINS(error_of("[system]\nstructure = \".\"\n"), "system.structure: is a directory");
}

TEST_F(ConfigTest, TimeStepMustBePositiveAndGivenOnce) {
  EXPECT_CONTAINS(error_of(kHead + "[[stage]]\nensemble = \"nve\"\ntimestep_fs = 0\nsteps = 10\n"),
                  "run.toml:9: stage[1].timestep_fs: must be > 0, got 0");
  EXPECT_CONTAINS(
      error_of(kHead + "[[stage]]\nensemble = \"nve\"\ntimestep_ps = -0.001\nsteps = 10\n"),
      "stage[1].timestep_ps: must be > 0, got -0.001");
  EXPECT_CONTAINS(
      error_of(kHead +
               "[[stage]]\nensemble = \"nve\"\ntimestep_fs = 1\ntimestep_ps = 0.001\nsteps = 10\n"),
      "run.toml:10: stage[1].timestep_ps: give either timestep_fs or timestep_ps, not both");
  EXPECT_CONTAINS(error_of(kHead + "[[stage]]\nensemble = \"nve\"\nsteps = 10\n"),
                  "run.toml:7: stage[1]: missing time step: give timestep_fs or timestep_ps");
}

TEST_F(ConfigTest, StageLengthIsStepsOrAWholeNumberOfSteps) {
  const std::string text =
      kHead + "[[stage]]\nensemble = \"nve\"\ntimestep_fs = 2\nduration_ps = 1.0005\n";
  const std::string msg = error_of(text);
  EXPECT_CONTAINS(msg,
                  "run.toml:10: stage[1].duration_ps: 1.0005 ps is not a whole number of 0.002 ps "
                  "time steps (500.25 steps); nearest: 500 steps");
  EXPECT_CONTAINS(
      error_of(kHead + "[[stage]]\nensemble = \"nve\"\ntimestep_fs = 2\nduration_ps = 0.0005\n"),
      "is shorter than one time step");
  EXPECT_CONTAINS(
      error_of(kHead +
               "[[stage]]\nensemble = \"nve\"\ntimestep_fs = 2\nsteps = 5\nduration_ps = 1\n"),
      "run.toml:11: stage[1].duration_ps: give either duration_ps or steps, not both");
  EXPECT_CONTAINS(error_of(kHead + "[[stage]]\nensemble = \"nve\"\ntimestep_fs = 2\n"),
                  "stage[1]: missing stage length: give duration_ps or steps");
  EXPECT_CONTAINS(error_of(kHead + "[[stage]]\nensemble = \"nve\"\ntimestep_fs = 2\nsteps = 0\n"),
                  "stage[1].steps: must be >= 1, got 0");
  // Floating-point noise in an exact duration is not an error: 0.3 / 0.0001 = 2999.9999999999995.
  EXPECT_EQ(parse(kHead + "[[stage]]\nensemble = \"nve\"\ntimestep_fs = 0.1\nduration_ps = 0.3\n")
                .stages[0]
                .steps,
            3000);
}

TEST_F(ConfigTest, Temperatures) {
  EXPECT_CONTAINS(
      error_of(kHead + "[[stage]]\nensemble = \"nvt\"\ntimestep_fs = 1\nsteps = 10\n"),
      "run.toml:7: stage[1].temperature: missing required key 'temperature' in [[stage]] #1 "
      "(ensembles nvt and npt need a target temperature in K)");
  EXPECT_CONTAINS(
      error_of(kHead +
               "[[stage]]\nensemble = \"nvt\"\ntemperature = -5\ntimestep_fs = 1\nsteps = 10\n"),
      "run.toml:9: stage[1].temperature: must be >= 0, got -5");
  EXPECT_CONTAINS(
      error_of(kHead + "[[stage]]\nensemble = \"nvt\"\ntemperature = { start = 300, stop = -1 }\n"
                       "timestep_fs = 1\nsteps = 10\n"),
      "stage[1].temperature.stop: must be >= 0, got -1");
  EXPECT_CONTAINS(
      error_of(kHead + "[[stage]]\nensemble = \"nvt\"\ntemperature = { start = 300, end = 1 }\n"
                       "timestep_fs = 1\nsteps = 10\n"),
      "unknown key 'end' in stage[1].temperature; valid keys: start, stop");
  EXPECT_CONTAINS(
      error_of(
          kHead +
          "[[stage]]\nensemble = \"nvt\"\ntemperature = \"hot\"\ntimestep_fs = 1\nsteps = 10\n"),
      "stage[1].temperature: expected a number (K) or a ramp { start = ..., stop = ... }");
  EXPECT_CONTAINS(
      error_of(kHead + "[[stage]]\nensemble = \"nvt\"\ntemperature = { start = 300, stop = 0 }\n"
                       "timestep_fs = 1\nsteps = 10\n"),
      "Nose-Hoover needs a target temperature above 0 K");
  // Langevin may cool to 0 K.
  EXPECT_EQ(temperature_ramp(parse(kHead + "[[stage]]\nensemble = \"nvt\"\nthermostat = \"langevin\"\n"
                                         "temperature = { start = 300, stop = 0 }\ntimestep_fs = 1\n"
                                         "steps = 10\n")
                                   .stages[0])
                ->stop,
            0.0);
}

TEST_F(ConfigTest, UnknownChoicesListTheValidOnes) {
  EXPECT_CONTAINS(error_of(kHead + "[[stage]]\nensemble = \"nph\"\ntimestep_fs = 1\nsteps = 10\n"),
                  "run.toml:8: stage[1].ensemble: unknown ensemble 'nph'; valid: nve, nvt, npt, minimize");
  EXPECT_CONTAINS(error_of(kHead + "[[stage]]\nensemble = \"nvt\"\nthermostat = \"nose_hoover\"\n"
                                   "temperature = 300\ntimestep_fs = 1\nsteps = 10\n"),
                  "unknown thermostat 'nose_hoover'; valid: nose-hoover, langevin; did you mean "
                  "'nose-hoover'?");
  EXPECT_CONTAINS(error_of(kHead + "[run]\nbackend = \"gpu\"\n" + kNveStage),
                  "run.backend: unknown backend 'gpu'; valid: auto, cpu, cuda");
  EXPECT_CONTAINS(error_of("[system]\nstructure = \"structure.extxyz\"\nformat = \"cif\"\n"),
                  "system.format: unknown format 'cif'; valid: auto, extxyz, poscar");
  EXPECT_CONTAINS(error_of(kHead + kNveStage + "[output]\ntrajectory = { format = \"pdb\" }\n"),
                  "output.trajectory.format: unknown format 'pdb'; valid: extxyz, netcdf, lammps-dump");
  EXPECT_CONTAINS(
      error_of(kHead + kNveStage + "[output]\ntrajectory = { format = \"netcfd\" }\n"),
      "did you mean 'netcdf'?");
  EXPECT_CONTAINS(
      error_of(kHead + kNveStage + "[output]\ntrajectory = { coordinates = \"folded\" }\n"),
      "output.trajectory.coordinates: unknown coordinates 'folded'; valid: wrapped, unwrapped");
  EXPECT_CONTAINS(error_of("[system]\nstructure = \"structure.extxyz\"\nvelocities = \"random\"\n"),
                  "system.velocities: unknown velocities 'random'; valid: auto, file, zero");
}

TEST_F(ConfigTest, ThermostatKeysMatchTheEnsembleAndThermostat) {
  EXPECT_CONTAINS(
      error_of(kHead + "[[stage]]\nensemble = \"nve\"\nthermostat = \"langevin\"\ntimestep_fs = "
                       "1\nsteps = 10\n"),
      "run.toml:9: stage[1].thermostat: 'thermostat' applies only to ensemble = \"nvt\"");
  EXPECT_CONTAINS(error_of(kHead + "[[stage]]\nensemble = \"nvt\"\ntemperature = 300\nseed = "
                                   "3\ntimestep_fs = 1\nsteps = 10\n"),
                  "stage[1].seed: 'seed' applies only to thermostat = \"langevin\"");
  EXPECT_CONTAINS(
      error_of(kHead +
               "[[stage]]\nensemble = \"nvt\"\nthermostat = \"langevin\"\ntemperature = 300\n"
               "chain_length = 3\ntimestep_fs = 1\nsteps = 10\n"),
      "stage[1].chain_length: 'chain_length' applies only to thermostat = \"nose-hoover\"");
  EXPECT_CONTAINS(
      error_of(kHead + "[[stage]]\nensemble = \"nvt\"\ntemperature = 300\nchain_length = 0\n"
                       "timestep_fs = 1\nsteps = 10\n"),
      "stage[1].chain_length: must be >= 1, got 0");
  EXPECT_CONTAINS(
      error_of(kHead +
               "[[stage]]\nensemble = \"nvt\"\nthermostat = \"langevin\"\ntemperature = 300\n"
               "seed = -1\ntimestep_fs = 1\nsteps = 10\n"),
      "stage[1].seed: must be >= 0, got -1");
  EXPECT_CONTAINS(
      error_of(kHead + "[[stage]]\nensemble = \"nvt\"\ntemperature = 300\ntdamp_fs = 100\n"
                       "tdamp_ps = 0.1\ntimestep_fs = 1\nsteps = 10\n"),
      "give either tdamp_fs or tdamp_ps, not both");
}

TEST_F(ConfigTest, StagesMustExistAndHaveDistinctNames) {
  EXPECT_CONTAINS(error_of(kHead), "run.toml: no [[stage]] given");
  EXPECT_CONTAINS(error_of(kHead + "[stage]\nensemble = \"nve\"\n"),
                  "run.toml:7: stage: expected an array of tables (write [[stage]] with double "
                  "brackets), got a table");
  EXPECT_CONTAINS(
      error_of(kHead + "[[stage]]\nname = \"a\"\nensemble = \"nve\"\ntimestep_fs = 1\nsteps = 1\n"
                       "[[stage]]\nname = \"a\"\nensemble = \"nve\"\ntimestep_fs = 1\nsteps = 1\n"),
      "run.toml:13: stage[2].name: stage name 'a' is already used by stage[1]");
}

TEST_F(ConfigTest, PairCoefficients) {
  const std::string head =
      "[system]\nstructure = \"structure.extxyz\"\n[potential]\nkind = \"lj\"\ncutoff = 8\n";
  EXPECT_CONTAINS(
      error_of(head + "pairs = [ { species = [\"Ar\", \"Ar\"], epsilon = 0.01, sigam = 3 } ]\n"),
      "run.toml:6: potential.pairs[1].sigam: unknown key 'sigam' in potential.pairs[1]; did you "
      "mean 'sigma'?");
  EXPECT_CONTAINS(error_of(head + "pairs = [ { species = [\"Ar\", \"Ar\"], epsilon = 0.01 } ]\n"),
                  "potential.pairs[1].sigma: missing required key 'sigma' in potential.pairs[1]");
  EXPECT_CONTAINS(
      error_of(head + "pairs = [ { species = [\"Ar\", \"Ar\"], d0 = 1, alpha = 1, r0 = 3 } ]\n"),
      "unknown key 'alpha' in potential.pairs[1]; valid keys: species, epsilon, sigma, cutoff");
  const std::string dup = head +
                          "pairs = [\n  { species = [\"Li\", \"O\"], epsilon = 0.01, sigma = 3 },\n"
                          "  { species = [\"O\", \"Li\"], epsilon = 0.02, sigma = 3 },\n]\n";
  EXPECT_CONTAINS(
      error_of(dup),
      "run.toml:8: potential.pairs[2].species: duplicate pair O-Li: already given on line 7");
  EXPECT_CONTAINS(
      error_of(head + "pairs = [ { species = [\"Ar\"], epsilon = 0.01, sigma = 3 } ]\n"),
      "potential.pairs[1].species: expected two chemical symbols such as [\"Li\", \"O\"], got an "
      "array of 1 element(s)");
  EXPECT_CONTAINS(
      error_of(head + "pairs = [ { species = [\"AR\", \"Ar\"], epsilon = 0.01, sigma = 3 } ]\n"),
      "'AR' is not a chemical element symbol (symbols are case-sensitive); did you mean 'Ar'?");
  EXPECT_CONTAINS(
      error_of(
          head +
          "pairs = [ { species = [\"Ar\", \"Ar\"], epsilon = 0.01, sigma = 3, cutoff = 9 } ]\n"),
      "potential.pairs[1].cutoff: 9 exceeds the global potential.cutoff = 8");
  EXPECT_CONTAINS(error_of(head + "pairs = []\n"), "potential.pairs: must list at least one pair");
  EXPECT_CONTAINS(error_of(head), "potential.pairs: missing required key 'pairs' in [potential]");
  EXPECT_CONTAINS(
      error_of(
          "[system]\nstructure = \"structure.extxyz\"\n[potential]\nkind = \"morse\"\ncutoff = 8\n"
          "pairs = [ { species = [\"Li\", \"Li\"], d0 = 0.5, r0 = 3 } ]\n"),
      "potential.pairs[1].alpha: missing required key 'alpha'");
  EXPECT_CONTAINS(error_of("[system]\nstructure = \"structure.extxyz\"\nmasses = { Xx = 1 }\n"),
                  "run.toml:3: system.masses.Xx: 'Xx' is not a chemical element symbol");
  EXPECT_CONTAINS(error_of("[system]\nstructure = \"structure.extxyz\"\nmasses = { Li = 0 }\n"),
                  "system.masses.Li: must be > 0, got 0");
}

TEST_F(ConfigTest, RangeChecks) {
  EXPECT_CONTAINS(error_of(kHead + "[neighbor]\nskin = -0.1\n" + kNveStage),
                  "run.toml:8: neighbor.skin: must be >= 0, got -0.1");
  EXPECT_CONTAINS(
      error_of(
          "[system]\nstructure = \"structure.extxyz\"\n[potential]\nkind = \"lj\"\ncutoff = 0\n"),
      "run.toml:5: potential.cutoff: must be > 0, got 0");
  EXPECT_CONTAINS(error_of(kHead + kNveStage + "[output]\nthermo = { every = 0 }\n"),
                  "output.thermo.every: must be >= 1, got 0");
  EXPECT_CONTAINS(error_of(kHead + kNveStage + "[[output.trajectory]]\nevery = -5\n"),
                  "output.trajectory[1].every: must be >= 1, got -5");
  EXPECT_CONTAINS(
      error_of("[system]\nstructure = \"structure.extxyz\"\nvelocities = { temperature = -300 }\n"),
      "run.toml:3: system.velocities.temperature: must be >= 0, got -300");
  EXPECT_CONTAINS(error_of("[system]\nstructure = \"structure.extxyz\"\nvelocities = 300\n"),
                  "system.velocities: expected \"auto\", \"file\", \"zero\" or a table such as { "
                  "temperature = 300.0, seed = 42 }");
  EXPECT_CONTAINS(error_of(kHead + "[run]\nthreads = -1\n" + kNveStage),
                  "run.threads: must be >= 0, got -1");
  EXPECT_CONTAINS(error_of(kHead + kNveStage + "[output]\nprogress_every_s = -1\n"),
                  "output.progress_every_s: must be >= 0, got -1");
}

TEST_F(ConfigTest, EachOutputFileHasOneWriter) {
  EXPECT_CONTAINS(
      error_of(kHead + kNveStage +
               "[[output.trajectory]]\nevery = 10\n[[output.trajectory]]\nevery = 100\n"),
      "output.trajectory[2].path: 'traj.extxyz' is already written by output.trajectory[1].path");
  EXPECT_CONTAINS(
      error_of(kHead + kNveStage + "[output]\ntrajectory = { path = \"thermo.csv\" }\n"),
      "'thermo.csv' is already written by output.thermo.path");
}

TEST_F(ConfigTest, TrajectoryFormatsAndTheirOptions) {
  const RunPlan plan = parse(kHead + kNveStage + R"([output]
directory = "out"
[[output.trajectory]]
format = "netcdf"
precision = "float64"
coordinates = "unwrapped"
velocities = true
energies = true
[[output.trajectory]]
format = "lammps-dump"
forces = true
[[output.trajectory]]
every = 7
)");
  ASSERT_EQ(plan.trajectories.size(), 3u);
  const TrajectorySpec& nc = plan.trajectories[0];
  EXPECT_EQ(kind_of(nc).name, "netcdf");
  EXPECT_EQ(nc.path, fs::path("out/traj.nc"));  // each format has its own default name
  EXPECT_TRUE(std::get<NetcdfFormat>(nc.format).float64);
  EXPECT_EQ(nc.coordinates, Coordinates::Unwrapped);
  EXPECT_TRUE(nc.velocities);
  EXPECT_TRUE(nc.energies);
  EXPECT_FALSE(nc.forces);
  const TrajectorySpec& dump = plan.trajectories[1];
  EXPECT_EQ(kind_of(dump).name, "lammps-dump");
  EXPECT_EQ(dump.path, fs::path("out/traj.lammpstrj"));
  EXPECT_EQ(dump.coordinates, Coordinates::Wrapped);
  EXPECT_TRUE(dump.forces);
  EXPECT_EQ(plan.trajectories[2].path, fs::path("out/traj.extxyz"));
  EXPECT_EQ(plan.trajectories[2].every, 7);

  EXPECT_CONTAINS(
      error_of(kHead + kNveStage + "[output]\ntrajectory = { format = \"lammps-dump\", precision = \"float64\" }\n"),
      "run.toml:12: output.trajectory.precision: 'precision' applies only to format = \"netcdf\"");
  EXPECT_CONTAINS(
      error_of(kHead + kNveStage + "[output]\ntrajectory = { format = \"netcdf\", precision = \"float16\" }\n"),
      "output.trajectory.precision: unknown precision 'float16'; valid: float32, float64");
  EXPECT_CONTAINS(error_of(kHead + kNveStage + "[output]\ntrajectory = { energies = 1 }\n"),
                  "output.trajectory.energies: expected true or false, got an integer");
  EXPECT_CONTAINS(error_of(kHead + kNveStage + "[[output.trajectory]]\nformat = \"netcdf\"\n"
                                                "[[output.trajectory]]\nformat = \"netcdf\"\n"),
                  "output.trajectory[2].path: 'traj.nc' is already written by output.trajectory[1].path");
}

TEST_F(ConfigTest, CheckpointClocksAndGuardBounds) {
  RunPlan plan = parse(kHead + kNveStage +
                       "[output]\ncheckpoint = { path = \"run.ckpt.h5\", every = 500, every_ps = 2.5 }\n"
                       "[guard]\nmax_displacement = 0.5\nmax_force = 20\n");
  EXPECT_EQ(plan.checkpoint.path, fs::path("run.ckpt.h5"));
  EXPECT_EQ(plan.checkpoint.every, 500);
  EXPECT_DOUBLE_EQ(plan.checkpoint.every_ps, 2.5);
  EXPECT_DOUBLE_EQ(plan.guard.max_displacement, 0.5);
  EXPECT_DOUBLE_EQ(plan.guard.max_force, 20.0);
  // Only the clock that is given: every_ps alone turns the default step clock off.
  plan = parse(kHead + kNveStage + "[output]\ncheckpoint = { every_ps = 10 }\n");
  EXPECT_EQ(plan.checkpoint.every, 0);
  EXPECT_DOUBLE_EQ(plan.checkpoint.every_ps, 10.0);

  EXPECT_CONTAINS(error_of(kHead + kNveStage + "[output]\ncheckpoint = { every = 0 }\n"),
                  "output.checkpoint.every: must be >= 1, got 0");
  EXPECT_CONTAINS(error_of(kHead + kNveStage + "[output]\ncheckpoint = { evry_ps = 1 }\n"),
                  "unknown key 'evry_ps' in output.checkpoint; did you mean 'every_ps'?");
  EXPECT_CONTAINS(error_of(kHead + kNveStage + "[output]\ncheckpoint = { path = \"thermo.csv\" }\n"),
                  "output.checkpoint.path: 'thermo.csv' is already written by output.thermo.path");
  EXPECT_CONTAINS(error_of(kHead + kNveStage + "[guard]\nmax_force = -1\n"),
                  "run.toml:12: guard.max_force: must be > 0, got -1");
  EXPECT_CONTAINS(error_of(kHead + kNveStage + "[guard]\nmax_displacment = 1\n"),
                  "unknown key 'max_displacment' in [guard]; did you mean 'max_displacement'?");
}

}  // namespace
}  // namespace mdgpu
