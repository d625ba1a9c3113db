// Checkpoints and restarts: a run stopped (as by SIGTERM) or killed after a checkpoint and then
// continued with --restart leaves thermo log and trajectories (every format) bitwise identical to
// an uninterrupted run, through Nosé–Hoover and a Langevin temperature ramp, with neighbor-list
// rebuilds on both sides of the checkpoint, for Lennard-Jones and NequIP. A restart that does not
// fit changes no file.
#include <csignal>
#include <filesystem>
#include <map>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "core/errors.hpp"
#include "app/runner.hpp"
#include "engine/stop_request.hpp"
#include "io/config.hpp"
#include "io/extxyz.hpp"
#include "tests/committee_fixture.hpp"
#include "tests/nequip_fixture.hpp"
#include "tests/temp_dir.hpp"

namespace mdgpu {
namespace {

namespace fs = std::filesystem;
using testing::slurp;

// Two stages so that both thermostats and a ramp are crossed; a small skin so that the neighbor
// list is rebuilt (and atoms wrapped) every few steps.
const char* kInput = R"([system]
structure = "argon.extxyz"
velocities = { temperature = 90.0, seed = 3 }
[potential]
kind = "lj"
cutoff = 8.5
pairs = [ { species = ["Ar", "Ar"], epsilon = 0.0104, sigma = 3.40 } ]
[neighbor]
skin = 0.3
[[stage]]
name = "nose-hoover"
ensemble = "nvt"
temperature = 90.0
timestep_fs = 2.0
steps = 60
[[stage]]
name = "langevin-ramp"
ensemble = "nvt"
thermostat = "langevin"
temperature = { start = 90.0, stop = 50.0 }
timestep_fs = 1.0
steps = 60
seed = 5
[output]
progress_every_s = 0
thermo = { path = "thermo.csv", every = 5 }
checkpoint = { every = 40 }
[[output.trajectory]]
path = "traj.extxyz"
every = 10
velocities = true
forces = true
energies = true
coordinates = "unwrapped"
[[output.trajectory]]
path = "traj.nc"
format = "netcdf"
precision = "float64"
every = 10
velocities = true
forces = true
energies = true
[[output.trajectory]]
path = "traj.lammpstrj"
format = "lammps-dump"
every = 10
velocities = true
)";

// At `step`, does what a signal or a crash would: request a stop, or set aside the checkpoint
// written at the step before (so that the run can go on and write more, as before a kill -9).
class At final : public Observer {
public:
  enum class Action { Stop, KeepCheckpoint };
  At(std::int64_t step, Action action, fs::path checkpoint = {}, fs::path keep = {})
      : step_(step), action_(action), checkpoint_(std::move(checkpoint)), keep_(std::move(keep)) {}
  std::int64_t every() const override { return 1; }
  void observe(const Snapshot& s) override {
    if (s.thermo().step != step_) return;
    if (action_ == Action::Stop) request_stop(SIGTERM);
    else fs::copy_file(checkpoint_, keep_, fs::copy_options::overwrite_existing);
  }

private:
  std::int64_t step_;
  Action action_;
  fs::path checkpoint_, keep_;
};

class RestartTest : public ::testing::Test {
protected:
  void SetUp() override {
    fs::copy_file(fs::path(MDGPU_SOURCE_DIR) / "inputs/structures/argon_liquid_500.extxyz",
                  tmp_ / "argon.extxyz");
    clear_stop_request();
  }
  void TearDown() override { clear_stop_request(); }

  RunPlan plan(const std::string& directory, const std::string& extra = "",
               const std::string& input = kInput) const {
    RunPlan p = parse_run_plan(input + extra, tmp_ / "in.toml");
    p.output_directory = tmp_ / directory;
    p.thermo.path = p.output_directory / p.thermo.path;
    p.checkpoint.path = p.output_directory / p.checkpoint.path;
    for (TrajectorySpec& t : p.trajectories) t.path = p.output_directory / t.path;
    if (p.candidates) p.candidates->path = p.output_directory / p.candidates->path;
    for (AnalysisSpec& a : p.analyses)
      std::visit([&p](auto& spec) {
        spec.common.path = (p.output_directory / spec.common.path).string();
      }, a);
    return p;
  }
  static RunSummary run(const RunPlan& p, std::unique_ptr<Observer> extra = nullptr) {
    PreparedRun run(p, [](const std::string&) {});
    if (extra) run.simulation().add_observer(std::move(extra));
    return run.run();
  }
  std::map<std::string, std::string> files(const std::string& directory) const {
    std::map<std::string, std::string> out;
    for (const auto& entry : fs::directory_iterator(tmp_ / directory))
      out[entry.path().filename().string()] = slurp(entry.path());
    return out;
  }
  // Every output but the checkpoint (which records where the run was, not what it wrote).
  void expect_same_outputs(const std::string& a, const std::string& b) const {
    const auto x = files(a), y = files(b);
    EXPECT_EQ(x.size(), y.size());
    for (const auto& [name, content] : x) {
      if (fs::path(name).extension() == ".h5") continue;
      EXPECT_FALSE(content.empty()) << name;
      EXPECT_TRUE(y.count(name) && content == y.at(name))
          << name << " differs between " << a << " and " << b;
    }
  }
  // Stopped at `stop` (as by SIGTERM), then continued: the same files as `straight`.
  void expect_stop_and_continue(const std::string& straight, std::int64_t stop,
                                const std::string& input = kInput) {
    const std::string dir = "stopped" + std::to_string(stop);
    const RunSummary s = run(plan(dir, "", input), std::make_unique<At>(stop, At::Action::Stop));
    EXPECT_EQ(s.outcome, RunOutcome::Stopped);
    EXPECT_EQ(s.step, stop);
    clear_stop_request();
    RunPlan second = plan(dir, "", input);
    second.restart = second.checkpoint.path;
    EXPECT_EQ(run(second).outcome, RunOutcome::Completed);
    expect_same_outputs(straight, dir);
  }

  testing::TempDir tmp_;
};

TEST_F(RestartTest, StoppedRunContinuesBitwiseInNoseHooverAndInALangevinRamp) {
  const RunPlan straight = plan("straight");
  ASSERT_EQ(run(straight).outcome, RunOutcome::Completed);
  for (std::int64_t stop : {37, 95}) {  // inside the Nosé–Hoover stage, inside the Langevin ramp
    SCOPED_TRACE("stopped at step " + std::to_string(stop));
    expect_stop_and_continue("straight", stop);
  }
}

// Minimisation and NPT: FIRE's velocities and step, the cell, the barostat's strain rates and both
// chains (MTK), the barostat's work and heat (stochastic cell rescaling, whose noise is keyed by
// the step) and L-BFGS's history travel in the checkpoint; stopped inside a minimisation with cell
// relaxation, inside a tri stage, inside a c-rescale stage and inside an L-BFGS minimisation, the
// run goes on bitwise (every trajectory format writing its per-frame cell).
TEST_F(RestartTest, MinimisationAndNptRunContinueBitwise) {
  std::string input = kInput;
  const std::size_t first = input.find("[[stage]]"), output = input.find("[output]");
  input.replace(first, output - first, R"([[stage]]
name = "relax"
ensemble = "minimize"
steps = 40
force_tolerance = 1e-6
cell = { pressure = 100.0 }
[[stage]]
name = "npt-iso-ramp"
ensemble = "npt"
temperature = 90.0
timestep_fs = 2.0
steps = 40
barostat = { pressure = { start = 1.0, stop = 2000.0 }, pdamp_ps = 0.5 }
[[stage]]
name = "npt-tri"
ensemble = "npt"
temperature = 90.0
timestep_fs = 2.0
steps = 40
barostat = { coupling = "tri", pressure = [2000, 1500, 1800, 100, -100, 50], pdamp_ps = 0.4 }
[[stage]]
name = "npt-c-rescale"
ensemble = "npt"
temperature = 90.0
timestep_fs = 2.0
steps = 40
barostat = { kind = "c-rescale", coupling = "aniso", pressure = [2000, 1500, 1800], tau_p_ps = 0.2, compressibility = 1e-4, seed = 11 }
[[stage]]
name = "relax-lbfgs"
ensemble = "minimize"
method = "lbfgs"
steps = 40
force_tolerance = 1e-6
)");
  const RunPlan straight = plan("straight", "", input);
  ASSERT_EQ(run(straight).outcome, RunOutcome::Completed);
  for (std::int64_t stop : {30, 100, 140, 175}) {
    SCOPED_TRACE("stopped at step " + std::to_string(stop));
    expect_stop_and_continue("straight", stop, input);
  }
}

// On-the-fly analyses carry their accumulators in the checkpoint: a run stopped inside a stage and
// continued writes the same MSD (every origin, lag, block), RDF and vDOS as an uninterrupted one.
TEST_F(RestartTest, AnalysesContinueBitwise) {
  const std::string analyses = R"(
[analysis.msd]
every = 2
max_lag_ps = 0.02
blocks = 2
[analysis.rdf]
every = 4
r_max = 6.0
[analysis.vdos]
every = 1
)";
  const std::string input = std::string(kInput) + analyses;
  ASSERT_EQ(run(plan("straight", "", input)).outcome, RunOutcome::Completed);
  ASSERT_TRUE(fs::exists(tmp_ / "straight/msd_nose-hoover.csv"));
  ASSERT_TRUE(fs::exists(tmp_ / "straight/vdos_langevin-ramp.csv"));
  ASSERT_TRUE(fs::exists(tmp_ / "straight/rdf_langevin-ramp.csv"));
  for (std::int64_t stop : {37, 95}) {
    SCOPED_TRACE("stopped at step " + std::to_string(stop));
    expect_stop_and_continue("straight", stop, input);
  }
}

// An NVT run of a NequIP potential (`potential`: its model keys) on `structure`, a reference
// structure written into the test's folder, float64, `steps` steps, then `output` after [output].
std::string nequip_input(const fs::path& folder, const std::string& structure, const std::string& potential,
                         int steps, const std::string& output) {
  ExtxyzWriter(folder / (structure + ".extxyz"), ExtxyzWriter::Mode::Truncate)
      .write_frame(test::reference_system(test::H5File(test::nequip_small_reference()), structure));
  return fmt::format(R"([system]
structure = "{}.extxyz"
velocities = {{ temperature = 300.0, seed = 3 }}
[potential]
kind = "nequip"
{}
precision = "float64"
[neighbor]
skin = 0.2
[[stage]]
ensemble = "nvt"
temperature = 300.0
timestep_fs = 0.5
steps = {}
[output]
progress_every_s = 0
{})",
                     structure, potential, steps, output);
}

// The same with a NequIP model, the potential the engine is for: the small reference model on
// the 124-atom LiPON structure, float64.
TEST_F(RestartTest, NequipRunContinuesBitwise) {
  const std::string model = test::exported_model(test::nequip_small_reference());
  ASSERT_FALSE(model.empty()) << "tools/export_nequip.py could not convert the reference model";
  const std::string input = nequip_input(tmp_.path(), "lipon124", fmt::format("model = \"{}\"", model), 30,
                                         R"(thermo = { path = "thermo.csv", every = 2 }
[[output.trajectory]]
path = "traj.extxyz"
every = 5
forces = true
energies = true
[[output.trajectory]]
path = "traj.nc"
format = "netcdf"
every = 5
velocities = true
)");
  ASSERT_EQ(run(plan("straight", "", input)).outcome, RunOutcome::Completed);
  expect_stop_and_continue("straight", 13, input);
}

// A committee driven by the mean, its spread in the thermo log and candidate frames min_spacing
// apart (the last candidate's step travels in the checkpoint): stopped between two candidates,
// the run goes on as if never stopped.
TEST_F(RestartTest, CommitteeRunWithCandidatesContinuesBitwise) {
  for (int seed : {0, 1}) ASSERT_FALSE(test::committee_member(seed).empty());
  const std::string input = nequip_input(
      tmp_.path(), "triclinic24",
      fmt::format("committee = [\"{}\", \"{}\"]\nevery = 2", test::committee_member(0), test::committee_member(1)), 20,
      R"(thermo = { path = "thermo.csv", every = 3 }
candidates = { path = "cand.extxyz", lower = 0.0, upper = 1000.0, min_spacing = 5 }
)");
  ASSERT_EQ(run(plan("straight", "", input)).outcome, RunOutcome::Completed);
  expect_stop_and_continue("straight", 9, input);  // between the candidates of steps 6 and 12
}

TEST_F(RestartTest, KilledRunRestartsFromItsLastCheckpointAndDropsLaterFrames) {
  const RunPlan straight = plan("straight");
  ASSERT_EQ(run(straight).outcome, RunOutcome::Completed);
  // Checkpoints at 40 and 80 (checkpoint.every = 40). The run goes on past each and writes more
  // frames, as a run killed later would have; restarting from the kept checkpoint cuts them.
  for (std::int64_t checkpoint : {40, 80}) {
    SCOPED_TRACE("checkpoint at step " + std::to_string(checkpoint));
    const std::string dir = "killed" + std::to_string(checkpoint);
    const RunPlan first = plan(dir);
    const fs::path kept = tmp_ / (dir + ".ckpt.h5");
    const auto later = run(first, std::make_unique<At>(checkpoint + 1, At::Action::KeepCheckpoint,
                                                       first.checkpoint.path, kept));
    ASSERT_EQ(later.outcome, RunOutcome::Completed);
    RunPlan second = plan(dir);
    second.restart = kept;
    EXPECT_EQ(run(second).outcome, RunOutcome::Completed);
    expect_same_outputs("straight", dir);
  }
}

TEST_F(RestartTest, ARestartThatDoesNotFitChangesNoFile) {
  RunPlan first = plan("run");
  ASSERT_EQ(run(first, std::make_unique<At>(50, At::Action::Stop)).outcome, RunOutcome::Stopped);
  clear_stop_request();
  const auto before = files("run");
  auto expect_refused = [&](RunPlan p, const std::string& fragment) {
    p.restart = p.checkpoint.path;
    try {
      PreparedRun refused(p, [](const std::string&) {});
      ADD_FAILURE() << "restart accepted; expected an error mentioning: " << fragment;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
    EXPECT_EQ(files("run"), before) << "a refused restart changed the outputs";
  };
  // `text` as the input, writing the first run's outputs.
  auto with_input = [&](const std::string& text) {
    RunPlan p = parse_run_plan(text, tmp_ / "in.toml");
    p.output_directory = first.output_directory;
    p.thermo.path = first.thermo.path;
    p.checkpoint.path = first.checkpoint.path;
    p.trajectories = first.trajectories;
    return p;
  };
  // The stage the checkpoint is in changed its time step.
  std::string input = kInput;
  input.replace(input.find("timestep_fs = 2.0"), 17, "timestep_fs = 1.0");
  expect_refused(with_input(input), "stage[1] was 'nose-hoover': nvt, 60 steps of 0.002 ps");
  // Another potential: one coefficient changed.
  std::string other = kInput;
  other.replace(other.find("epsilon = 0.0104"), 16, "epsilon = 0.0105");
  expect_refused(with_input(other), "the potential was lj, cut-off 8.5 Å, shifted; Ar-Ar epsilon 0.0104 sigma 3.4");
  // An output the checkpointed run did not have.
  RunPlan more = plan("run", "[[output.trajectory]]\npath = \"extra.extxyz\"\n");
  expect_refused(more, "has no saved state for output.trajectory[4]");
  // A trajectory cut shorter than the checkpoint recorded.
  fs::resize_file(first.trajectories[2].path, 10);
  const auto cut = files("run");
  RunPlan same = plan("run");
  same.restart = same.checkpoint.path;
  try {
    PreparedRun refused(same, [](const std::string&) {});
    ADD_FAILURE() << "restart accepted over a shortened trajectory";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("traj.lammpstrj: holds 10 bytes"), std::string::npos) << e.what();
  }
  EXPECT_EQ(files("run"), cut);
}

}  // namespace
}  // namespace mdgpu
