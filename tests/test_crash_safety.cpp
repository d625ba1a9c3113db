// Crash safety with the real mdgpu binary: SIGTERM finishes the step, writes a checkpoint, closes
// the outputs and exits 143; SIGKILL leaves files that other readers open; either way
// `--restart` from the checkpoint ends with files bitwise equal to an uninterrupted run's. The
// instability guard stops a blowing-up run with exit 1, naming step, atom and quantity, and keeps
// the last good checkpoint and frames.
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/hdf5_file.hpp"
#include "tests/child_process.hpp"
#include "tests/temp_dir.hpp"

namespace mdgpu {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::slurp;

constexpr const char* kHead = R"([system]
structure = "argon.extxyz"
velocities = { temperature = 90.0, seed = 11 }
[potential]
kind = "lj"
cutoff = 8.5
pairs = [ { species = ["Ar", "Ar"], epsilon = 0.0104, sigma = 3.40 } ]
[run]
backend = "cpu"
threads = 1
)";

constexpr const char* kLongRun = R"([[stage]]
ensemble = "nvt"
thermostat = "langevin"
temperature = 90.0
timestep_fs = 2.0
steps = 2000
[output]
progress_every_s = 0
thermo = { path = "thermo.csv", every = 10 }
checkpoint = { every = 500 }
[[output.trajectory]]
path = "traj.nc"
format = "netcdf"
every = 50
velocities = true
[[output.trajectory]]
path = "traj.lammpstrj"
format = "lammps-dump"
every = 50
[[output.trajectory]]
path = "traj.extxyz"
every = 50
forces = true
)";

const char* kOutputs[] = {"thermo.csv", "traj.nc", "traj.lammpstrj", "traj.extxyz"};

bool python_readers() {
  return std::system("/usr/bin/python3 -c 'import ase, netCDF4' > /dev/null 2>&1") == 0;
}

class CrashSafety : public ::testing::Test {
protected:
  // A folder with the structure and the input, ready for a run.
  fs::path folder(const std::string& name, const std::string& input) {
    const fs::path dir = tmp_ / name;
    fs::create_directories(dir);
    fs::copy_file(fs::path(MDGPU_SOURCE_DIR) / "inputs/structures/argon_liquid_500.extxyz",
                  dir / "argon.extxyz");
    std::ofstream(dir / "in.toml") << input;
    return dir;
  }
  static std::unique_ptr<ChildProcess> start(const fs::path& dir, const std::string& extra = "") {
    std::vector<std::string> argv{MDGPU_BINARY, "run", "-q", "in.toml"};
    if (!extra.empty()) argv.push_back("--restart"), argv.push_back(extra);
    return std::make_unique<ChildProcess>(argv, dir, dir / "out.txt", dir / "err.txt");
  }
  // Runs to the end; the exit status.
  static int finish(const fs::path& dir, const std::string& restart = "") {
    auto p = start(dir, restart);
    const auto status = p->wait(300s);
    return status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
  }
  // Waits until the thermo log has `rows` rows (the run is that far), or the run ended.
  static void wait_for_rows(const fs::path& dir, std::size_t rows, ChildProcess& p) {
    const auto end = std::chrono::steady_clock::now() + 120s;
    while (std::chrono::steady_clock::now() < end && p.running() && !p.wait(0s)) {
      const std::string log = slurp(dir / "thermo.csv");
      if (static_cast<std::size_t>(std::count(log.begin(), log.end(), '\n')) > rows) return;
      std::this_thread::sleep_for(5ms);
    }
  }
  static std::int64_t checkpoint_step(const fs::path& dir) {
    return h5::File((dir / "in.ckpt.h5").string(), h5::Mode::Read).attr_int("/state", "step");
  }
  static void expect_readable(const fs::path& dir, int min_frames) {
    const fs::path log = dir / "readable.log";
    const int rc = std::system(fmt::format("/usr/bin/python3 {}/tests/python/check_readable.py {} {} > {} 2>&1",
                                           MDGPU_SOURCE_DIR, dir.string(), min_frames, log.string())
                                   .c_str());
    EXPECT_EQ(rc, 0) << slurp(log);
  }
  void expect_same_outputs(const fs::path& a, const fs::path& b) {
    for (const char* name : kOutputs)
      EXPECT_TRUE(slurp(a / name) == slurp(b / name)) << name << " differs from the uninterrupted run's";
  }

  testing::TempDir tmp_;
};

TEST_F(CrashSafety, SigtermCheckpointsAndTheRestartMatchesAnUninterruptedRun) {
  const std::string input = std::string(kHead) + kLongRun;
  const fs::path straight = folder("straight", input), stopped = folder("stopped", input);
  ASSERT_EQ(finish(straight), 0) << slurp(straight / "err.txt");

  auto p = start(stopped);
  wait_for_rows(stopped, 60, *p);
  p->signal(SIGTERM);
  const auto status = p->wait(60s);
  ASSERT_TRUE(status) << "no exit within 60 s of SIGTERM";
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 128 + SIGTERM);
  const std::string err = slurp(stopped / "err.txt");
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(err, m, std::regex("stopped by SIGTERM at step (\\d+); checkpoint "
                                                   "written to in.ckpt.h5; continue with: mdgpu "
                                                   "run in.toml --restart in.ckpt.h5")))
      << err;
  const std::int64_t step = std::stoll(m[1]);
  EXPECT_GE(step, 590);
  EXPECT_LT(step, 2000);
  EXPECT_EQ(checkpoint_step(stopped), step);
  if (python_readers()) expect_readable(stopped, static_cast<int>(step / 50 + 1));

  ASSERT_EQ(finish(stopped, "in.ckpt.h5"), 0) << slurp(stopped / "err.txt");
  expect_same_outputs(straight, stopped);
}

TEST_F(CrashSafety, SigkillLeavesReadableFilesAndTheLastCheckpointRestarts) {
  const std::string input = std::string(kHead) + kLongRun;
  const fs::path straight = folder("straight", input), killed = folder("killed", input);
  ASSERT_EQ(finish(straight), 0) << slurp(straight / "err.txt");

  auto p = start(killed);
  wait_for_rows(killed, 120, *p);  // past the checkpoint at step 500, well into the next interval
  p->signal(SIGKILL);
  const auto status = p->wait(60s);
  ASSERT_TRUE(status && WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL);
  const std::int64_t step = checkpoint_step(killed);
  EXPECT_GE(step, 500);
  EXPECT_EQ(step % 500, 0);
  if (python_readers()) expect_readable(killed, static_cast<int>(step / 50 + 1));
  for (const char* name : kOutputs) EXPECT_FALSE(fs::exists(killed / (std::string(name) + ".cut")));

  ASSERT_EQ(finish(killed, "in.ckpt.h5"), 0) << slurp(killed / "err.txt");
  expect_same_outputs(straight, killed);
}

// The guard trips; the message names step, atom and quantity; the files end before that step.
struct GuardCase {
  const char* name;
  const char* structure;  // replaces argon.extxyz when set
  const char* input;
  const char* quantity;   // in the message
};

const GuardCase kGuardCases[] = {
    {"displacement", nullptr,
     // Langevin heating towards 10^6 K: atoms end up moving more than 1 Å per step.
     R"([[stage]]
ensemble = "nvt"
thermostat = "langevin"
temperature = { start = 90.0, stop = 1.0e6 }
friction_fs = 20.0
timestep_fs = 2.0
steps = 300
[guard]
max_force = 1e9
)",
     "in one step, more than guard.max_displacement = 1 Å"},
    {"force", nullptr,
     R"([[stage]]
ensemble = "nve"
timestep_fs = 2.0
steps = 300
[guard]
max_force = 0.2
)",
     "eV/Å, above guard.max_force = 0.2 eV/Å"},
    {"non-finite",
     // 1e-160 Å apart: 1/r² overflows, so the forces are NaN from the start.
     "2\nLattice=\"20 0 0 0 20 0 0 0 20\" Properties=species:S:1:pos:R:3\nAr 0 0 0\nAr 0 0 1e-160\n",
     R"([system]
structure = "pair.extxyz"
min_distance = 1e-300
[potential]
kind = "lj"
cutoff = 8.5
pairs = [ { species = ["Ar", "Ar"], epsilon = 0.0104, sigma = 3.40 } ]
[[stage]]
ensemble = "nve"
timestep_fs = 2.0
steps = 300
)",
     "atom 1 (Ar) has a non-finite position and velocity and force"},
};

class GuardTest : public CrashSafety, public ::testing::WithParamInterface<GuardCase> {};

TEST_P(GuardTest, StopsNamingStepAtomAndQuantityAndKeepsEarlierOutput) {
  const GuardCase& c = GetParam();
  const std::string outputs = R"([output]
progress_every_s = 0
thermo = { path = "thermo.csv", every = 10 }
checkpoint = { every = 20 }
trajectory = { path = "traj.extxyz", every = 10 }
)";
  const std::string input = c.structure ? std::string(c.input) + outputs : kHead + std::string(c.input) + outputs;
  const fs::path dir = folder(c.name, input);
  if (c.structure) std::ofstream(dir / "pair.extxyz") << c.structure;
  ASSERT_EQ(finish(dir), 1);
  const std::string err = slurp(dir / "err.txt");
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_NE(err.find(c.quantity), std::string::npos) << err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(err, m, std::regex("mdgpu: failed: step (\\d+) \\(stage 'stage1', t = [0-9.e-]+ ps\\): atom \\d+ \\(Ar\\)")))
      << err;
  const std::int64_t step = std::stoll(m[1]);
  EXPECT_GE(step, 1);
  // Nothing from the bad step reached a file; the last checkpoint and frame are the good ones.
  const std::int64_t last_checkpoint = (step - 1) / 20 * 20;
  if (last_checkpoint > 0) EXPECT_EQ(checkpoint_step(dir), last_checkpoint);
  else EXPECT_FALSE(fs::exists(dir / "in.ckpt.h5"));
  const std::string log = slurp(dir / "thermo.csv");
  const std::string last_row = log.substr(log.rfind('\n', log.size() - 2) + 1);
  EXPECT_EQ(std::stoll(last_row), (step - 1) / 10 * 10) << log;
  const std::string traj = slurp(dir / "traj.extxyz");
  EXPECT_NE(traj.rfind(fmt::format(" step={} ", (step - 1) / 10 * 10)), std::string::npos);
  EXPECT_EQ(traj.find(fmt::format(" step={} ", step)), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Quantities, GuardTest, ::testing::ValuesIn(kGuardCases),
                         [](const auto& info) {
                           std::string n = info.param.name;
                           n.erase(std::remove(n.begin(), n.end(), '-'), n.end());
                           return n;
                         });

}  // namespace
}  // namespace mdgpu
