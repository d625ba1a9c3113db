// Committees of NequIP models (model/committee_potential.hpp, [output.candidates]): the mean force
// and the per-atom force deviation computed on the backend against a direct computation on the
// host from each member evaluated alone; a committee of one runs bit for bit as the plain model;
// candidate frames hold the deviation the thermo log reports, min_spacing apart; trajectories with
// force_dev hold, in every format, the per-atom deviation the thermo log summarises; stop_above
// stops the run naming the atom. Members are the small reference model and perturbed copies of it
// (tests/committee_fixture.hpp). Restarts: tests/test_restart.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include "engine/atoms.hpp"
#include "engine/neighbor_list.hpp"
#include "io/extxyz.hpp"
#include "io/trajectory_reader.hpp"
#include "kernels/host/host_backend.hpp"
#include "model/committee_potential.hpp"
#include "model/nequip_potential.hpp"
#include "tests/cli.hpp"
#include "tests/committee_fixture.hpp"
#include "tests/csv.hpp"
#include "tests/temp_dir.hpp"

namespace mdgpu {
namespace {

struct Evaluation {
  ForceResult result;
  Vec3Array forces;
  std::vector<double> per_atom;
};

Evaluation evaluate(Potential& potential, Backend& backend, const System& system) {
  Atoms atoms(backend.space(), system);
  AtomsView view = atoms.view();
  NeighborList list(backend, potential.cutoff(), 0.0);
  list.update(view, system.box, true);
  Buffer<double> per_atom(backend.space(), system.size());
  Evaluation e;
  e.result = potential.compute(view, list.view(), system.box, per_atom.data());
  atoms.download_forces(e.forces);
  per_atom.download(e.per_atom);
  return e;
}

std::unique_ptr<Potential> member(int seed, const System& system, Backend& backend) {
  return std::make_unique<NequipPotential>(test::committee_member(seed), "float64", system, backend);
}

std::unique_ptr<CommitteePotential> committee(const std::vector<int>& seeds, bool mean, const System& system,
                                              Backend& backend) {
  std::vector<std::unique_ptr<Potential>> members;
  for (int seed : seeds) members.push_back(member(seed, system, backend));
  return std::make_unique<CommitteePotential>(std::move(members), mean, backend);
}

// Each member of `seeds` evaluated alone on `system` on the host, and from their forces the mean
// force and DeePMD's model_devi: σ_i = sqrt(mean over members of |F_m,i − F̄_i|²).
struct HostSpread {
  std::vector<Evaluation> alone;
  Vec3Array mean;
  std::vector<double> sigma;
};

HostSpread host_spread(const std::vector<int>& seeds, const System& system, Backend& backend) {
  HostSpread h;
  for (int seed : seeds) h.alone.push_back(evaluate(*member(seed, system, backend), backend, system));
  const std::size_t n = system.size();
  const double members = static_cast<double>(seeds.size());
  h.sigma.resize(n);
  h.mean.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (const Evaluation& e : h.alone)
      h.mean.x[i] += e.forces.x[i] / members, h.mean.y[i] += e.forces.y[i] / members,
          h.mean.z[i] += e.forces.z[i] / members;
    double sq = 0.0;
    for (const Evaluation& e : h.alone)
      sq += std::pow(e.forces.x[i] - h.mean.x[i], 2) + std::pow(e.forces.y[i] - h.mean.y[i], 2) +
            std::pow(e.forces.z[i] - h.mean.z[i], 2);
    h.sigma[i] = std::sqrt(sq / members);
  }
  return h;
}

TEST(Committee, MeanAndDeviationMatchEachMemberEvaluatedAloneOnTheHost) {
  for (int seed : {0, 1, 2}) ASSERT_FALSE(test::committee_member(seed).empty()) << "member seed " << seed;
  const System system = test::reference_system(test::H5File(test::nequip_small_reference()), "lipon124");
  auto backend = make_host_backend(0);
  const std::vector<int> seeds = {0, 1, 2};
  const HostSpread host = host_spread(seeds, system, *backend);
  const std::vector<Evaluation>& alone = host.alone;
  const Vec3Array& mean = host.mean;
  const std::vector<double>& sigma = host.sigma;
  const std::size_t n = system.size();
  const double members = static_cast<double>(seeds.size());
  double max_sigma = -1.0, sum_sigma = 0.0;
  std::size_t max_atom = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sum_sigma += sigma[i];
    if (sigma[i] > max_sigma) max_sigma = sigma[i], max_atom = i;
  }
  double e_mean = 0.0, e_sq = 0.0;
  for (const Evaluation& e : alone) e_mean += e.result.energy / n / members;
  for (const Evaluation& e : alone) e_sq += std::pow(e.result.energy / n - e_mean, 2);
  ASSERT_GT(max_sigma, 1e-3) << "the perturbed members should disagree";

  for (bool drive_mean : {true, false}) {
    SCOPED_TRACE(drive_mean ? "driven by the mean" : "driven by the first member");
    auto c = committee(seeds, drive_mean, system, *backend);
    const Evaluation got = evaluate(*c, *backend, system);
    const CommitteeStats& s = c->stats();
    EXPECT_TRUE(s.fresh);
    EXPECT_NEAR(s.max_force_dev, max_sigma, 1e-12 * max_sigma);
    EXPECT_EQ(s.max_atom, static_cast<int>(max_atom));
    EXPECT_NEAR(s.mean_force_dev, sum_sigma / n, 1e-12 * max_sigma);
    EXPECT_NEAR(s.energy_dev_per_atom, std::sqrt(e_sq / members), 1e-12 * std::fabs(e_mean));
    const std::vector<double> dev = c->force_deviation().to_host();
    ASSERT_EQ(dev.size(), n);
    for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(dev[i], sigma[i], 1e-12 * max_sigma) << "atom " << i;
    const Evaluation& first = alone[0];
    for (std::size_t i = 0; i < n; ++i) {
      if (drive_mean) {
        EXPECT_NEAR(got.forces.x[i], mean.x[i], 1e-12 * max_sigma);
        EXPECT_NEAR(got.forces.y[i], mean.y[i], 1e-12 * max_sigma);
        EXPECT_NEAR(got.forces.z[i], mean.z[i], 1e-12 * max_sigma);
      } else {  // member 0's forces, bit for bit
        EXPECT_EQ(got.forces.x[i], first.forces.x[i]);
        EXPECT_EQ(got.forces.y[i], first.forces.y[i]);
        EXPECT_EQ(got.forces.z[i], first.forces.z[i]);
        EXPECT_EQ(got.per_atom[i], first.per_atom[i]);
      }
    }
    EXPECT_NEAR(got.result.energy, drive_mean ? e_mean * n : first.result.energy, 1e-12 * std::fabs(e_mean * n));
  }
}

TEST(Committee, ForcesOnlyStepOfAFirstDrivenCommitteeEvaluatesOneMember) {
  ASSERT_FALSE(test::committee_member(1).empty());
  const System system = test::reference_system(test::H5File(test::nequip_small_reference()), "triclinic24");
  auto backend = make_host_backend(0);
  auto c = committee({0, 1}, false, system, *backend);
  evaluate(*c, *backend, system);
  ASSERT_TRUE(c->stats().fresh);
  Atoms atoms(backend->space(), system);
  AtomsView view = atoms.view();
  NeighborList list(*backend, c->cutoff(), 0.0);
  list.update(view, system.box, true);
  Buffer<double> per_atom(backend->space(), system.size());
  c->compute_forces(view, list.view(), system.box, per_atom.data());
  EXPECT_FALSE(c->stats().fresh) << "a forces-only step must not leave an old spread looking current";
}

// An NVE run of the 24-atom triclinic reference cell with `potential` lines in [potential].
std::string md_input(const std::string& potential, const std::string& extra = "") {
  return fmt::format(R"([system]
structure = "triclinic24.extxyz"
velocities = {{ temperature = 300.0, seed = 3 }}
[potential]
kind = "nequip"
precision = "float64"
{}
[[stage]]
ensemble = "nve"
timestep_fs = 0.5
steps = 16
[output]
progress_every_s = 0
thermo = {{ path = "thermo.csv", every = 4 }}
[[output.trajectory]]
path = "traj.extxyz"
every = 4
forces = true
energies = true
{})",
                     potential, extra);
}

void write_structure(const testing::TempDir& dir) {
  ExtxyzWriter(dir / "triclinic24.extxyz", ExtxyzWriter::Mode::Truncate)
      .write_frame(test::reference_system(test::H5File(test::nequip_small_reference()), "triclinic24"));
}

TEST(Committee, CommitteeOfOneRunsBitForBitAsThePlainModel) {
  const std::string model = test::committee_member(0);
  ASSERT_FALSE(model.empty());
  const std::vector<std::pair<std::string, std::string>> runs = {
      {"plain", fmt::format("model = \"{}\"", model)},
      {"mean", fmt::format("committee = [\"{}\"]\ndrive = \"mean\"", model)},
      {"first", fmt::format("committee = [\"{}\"]\ndrive = \"first\"\nevery = 3", model)}};
  std::map<std::string, testing::CsvTable> thermo;
  std::map<std::string, std::string> trajectory;
  for (const auto& [name, potential] : runs) {
    testing::TempDir dir;
    write_structure(dir);
    dir.write("in.toml", md_input(potential));
    const auto r = testing::run_mdgpu(dir.path(), "run -q in.toml");
    ASSERT_EQ(r.code, 0) << name << ": " << r.err;
    thermo[name] = testing::read_csv_table((dir / "thermo.csv").string());
    trajectory[name] = testing::slurp(dir / "traj.extxyz");
  }
  const testing::CsvTable& plain = thermo["plain"];
  ASSERT_EQ(plain.rows.size(), 5u);
  for (const char* name : {"mean", "first"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(trajectory[name], trajectory["plain"]);
    const testing::CsvTable& t = thermo[name];
    ASSERT_EQ(t.header.size(), plain.header.size() + 4);
    ASSERT_EQ(t.rows.size(), plain.rows.size());
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      for (std::size_t c = 0; c < plain.header.size(); ++c) EXPECT_EQ(t.rows[r][c], plain.rows[r][c]) << plain.header[c];
      EXPECT_EQ(t.number(r, "max_force_dev_eV_A"), 0.0);  // one member agrees with itself
      EXPECT_EQ(t.number(r, "energy_dev_eV_atom"), 0.0);
    }
  }
}

// The [potential] lines of a committee of the reference model and one perturbed copy.
std::string pair_committee() {
  return fmt::format("committee = [\"{}\", \"{}\"]", test::committee_member(0), test::committee_member(1));
}

TEST(Committee, CandidatesHoldTheThermoLogsDeviationMinSpacingApart) {
  for (int seed : {0, 1}) ASSERT_FALSE(test::committee_member(seed).empty());
  for (const char* drive : {"mean", "first"}) {  // "first" evaluates the others on candidate steps only
    SCOPED_TRACE(drive);
    testing::TempDir dir;
    write_structure(dir);
    dir.write("in.toml", md_input(pair_committee() + fmt::format("\nevery = 2\ndrive = \"{}\"", drive)) +
                             "[output.candidates]\npath = \"cand.extxyz\"\nlower = 0.0\nupper = 1000.0\nmin_spacing = 5\n");
    const auto r = testing::run_mdgpu(dir.path(), "run -q in.toml");
    ASSERT_EQ(r.code, 0) << r.err;
    const testing::CsvTable thermo = testing::read_csv_table((dir / "thermo.csv").string());
    const std::vector<Frame> frames = read_extxyz(dir / "cand.extxyz");
    // Looked at every 2 steps, at least 5 apart: steps 0, 6, 12.
    ASSERT_EQ(frames.size(), 3u);
    for (std::size_t k = 0; k < frames.size(); ++k) {
      const Frame& f = frames[k];
      EXPECT_EQ(f.info.at("step"), std::to_string(6 * k));
      const auto& dev = f.arrays.at("force_dev").values;
      ASSERT_EQ(dev.size(), 24u);
      const double max = *std::max_element(dev.begin(), dev.end());
      EXPECT_EQ(max, std::stod(f.info.at("max_force_dev")));
      EXPECT_GT(max, 0.0);
      if (6 * k % 4 == 0) EXPECT_EQ(max, thermo.number(6 * k / 4, "max_force_dev_eV_A"));  // a thermo row too
      EXPECT_EQ(f.arrays.count("forces"), 0u) << "no forces a labelling tool could take for DFT labels";
    }
  }
}

// The c_force_dev column of each frame of a LAMMPS dump (atoms in id order, as mdgpu writes them).
std::vector<std::vector<double>> dump_force_dev(const std::filesystem::path& path) {
  std::vector<std::vector<double>> frames;
  std::istringstream in(testing::slurp(path));
  std::string line;
  std::size_t atoms = 0;
  while (std::getline(in, line)) {
    if (line == "ITEM: NUMBER OF ATOMS") {
      std::getline(in, line);
      atoms = std::stoul(line);
    } else if (line.rfind("ITEM: ATOMS ", 0) == 0) {
      std::istringstream header(line.substr(12));
      std::vector<std::string> columns{std::istream_iterator<std::string>(header), {}};
      const auto column = std::find(columns.begin(), columns.end(), "c_force_dev") - columns.begin();
      EXPECT_LT(column, static_cast<std::ptrdiff_t>(columns.size())) << line;
      std::vector<double>& values = frames.emplace_back();
      for (std::size_t i = 0; i < atoms && std::getline(in, line); ++i) {
        std::istringstream row(line);
        std::vector<std::string> words{std::istream_iterator<std::string>(row), {}};
        values.push_back(std::stod(words.at(column)));
      }
    }
  }
  return frames;
}

TEST(Committee, TrajectoryForceDevIsThePerAtomDeviationTheThermoLogSummarises) {
  for (int seed : {0, 1}) ASSERT_FALSE(test::committee_member(seed).empty());
  for (const char* drive : {"mean", "first"}) {  // "first" evaluates the other member on output steps only
    SCOPED_TRACE(drive);
    testing::TempDir dir;
    write_structure(dir);
    // force_dev joins md_input's extxyz table; a LAMMPS dump and a float64 NetCDF file write it too.
    dir.write("in.toml", md_input(pair_committee() + fmt::format("\ndrive = \"{}\"", drive),
                                  "force_dev = true\n"
                                  "[[output.trajectory]]\npath = \"traj.lammpstrj\"\nformat = \"lammps-dump\"\n"
                                  "every = 4\nforce_dev = true\n"
                                  "[[output.trajectory]]\npath = \"traj.nc\"\nformat = \"netcdf\"\n"
                                  "precision = \"float64\"\nevery = 4\nforce_dev = true\n"));
    const auto r = testing::run_mdgpu(dir.path(), "run -q in.toml");
    ASSERT_EQ(r.code, 0) << r.err;
    const testing::CsvTable thermo = testing::read_csv_table((dir / "thermo.csv").string());
    const std::vector<Frame> frames = read_extxyz(dir / "traj.extxyz");
    const std::vector<std::vector<double>> dump = dump_force_dev(dir / "traj.lammpstrj");
    std::vector<Frame> netcdf;
    auto reader = open_trajectory(dir / "traj.nc");
    for (Frame f; reader->next(f); f = Frame()) netcdf.push_back(f);
    ASSERT_EQ(frames.size(), 5u);  // steps 0, 4, ..., 16: thermo rows too
    ASSERT_EQ(thermo.rows.size(), frames.size());
    ASSERT_EQ(dump.size(), frames.size());
    ASSERT_EQ(netcdf.size(), frames.size());
    for (std::size_t k = 0; k < frames.size(); ++k) {
      SCOPED_TRACE(fmt::format("frame {}", k));
      const std::vector<double>& dev = frames[k].arrays.at("force_dev").values;
      ASSERT_EQ(dev.size(), 24u);
      const auto max = std::max_element(dev.begin(), dev.end());
      EXPECT_GT(*max, 0.0);
      EXPECT_EQ(*max, thermo.number(k, "max_force_dev_eV_A"));
      EXPECT_EQ(static_cast<double>(max - dev.begin() + 1), thermo.number(k, "max_force_dev_atom"));
      double sum = 0.0;
      for (double d : dev) sum += d;
      EXPECT_NEAR(sum / dev.size(), thermo.number(k, "mean_force_dev_eV_A"), 1e-12 * *max);
      EXPECT_EQ(dump[k], dev) << "a scalar per atom: the dump's rotated frame leaves it as it is";
      EXPECT_EQ(netcdf[k].arrays.at("force_dev").values, dev);
    }
    // The last frame from its own written positions: each member alone on the host.
    auto backend = make_host_backend(0);
    const HostSpread host = host_spread({0, 1}, frames.back().system, *backend);
    const std::vector<double>& dev = frames.back().arrays.at("force_dev").values;
    const double max = *std::max_element(dev.begin(), dev.end());
    for (std::size_t i = 0; i < dev.size(); ++i) EXPECT_NEAR(dev[i], host.sigma[i], 1e-10 * max) << "atom " << i;
  }
}

TEST(Committee, StopAboveEndsTheRunNamingTheAtomAndStep) {
  for (int seed : {0, 1}) ASSERT_FALSE(test::committee_member(seed).empty());
  testing::TempDir dir;
  write_structure(dir);
  const std::string potential = pair_committee();
  // The run's own deviation at step 0 sets the thresholds: upper just below it.
  dir.write("probe.toml", md_input(potential));
  ASSERT_EQ(testing::run_mdgpu(dir.path(), "run -q probe.toml").code, 0);
  const testing::CsvTable probe = testing::read_csv_table((dir / "thermo.csv").string());
  const double dev0 = probe.number(0, "max_force_dev_eV_A");
  const int atom0 = static_cast<int>(probe.number(0, "max_force_dev_atom"));
  dir.write("in.toml",
            md_input(potential, fmt::format("[output.candidates]\npath = \"cand.extxyz\"\nlower = {}\nupper = {}\n"
                                            "stop_above = true\n",
                                            0.5 * dev0, 0.999 * dev0)));
  const auto r = testing::run_mdgpu(dir.path(), "run -q --overwrite in.toml");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("step 0 "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(fmt::format("atom {} (", atom0)), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("output.candidates.upper"), std::string::npos) << r.err;
  EXPECT_EQ(testing::slurp(dir / "cand.extxyz"), "");
}

}  // namespace
}  // namespace mdgpu
