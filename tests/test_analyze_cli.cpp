// The analyses as a user meets them: [analysis.*] tables in a run, `mdgpu analyze` on the
// trajectory that run wrote (the same numbers), the Arrhenius fit of MSD results at several
// temperatures, the plots, and bad input answered by exit code 2 and one line.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "core/units.hpp"
#include "io/extxyz.hpp"
#include "tests/cli.hpp"
#include "tests/csv.hpp"
#include "tests/random_walk.hpp"
#include "tests/temp_dir.hpp"

namespace mdgpu {
namespace {

namespace fs = std::filesystem;
using testing::CliResult;
using testing::CsvTable;
using testing::read_csv_table;

// Writes a random walk of Li (and still P) as a trajectory without image counters.
void write_walk(const fs::path& path, double D, int frames, unsigned seed) {
  testing::WalkSpec w;
  w.walkers = 50;
  w.framework = 10;
  w.D = D;
  w.seed = seed;
  testing::RandomWalk walk(w);
  ExtxyzWriter out(path, ExtxyzWriter::Mode::Truncate);
  for (int k = 0; k < frames; ++k) {
    if (k > 0) walk.step();
    FrameExtras extras;
    extras.step = k;
    extras.time = k * w.dt;
    out.write_frame(walk.system(), extras);
  }
}

class AnalyzeCli : public ::testing::Test {
protected:
  AnalyzeCli() {
    fs::copy_file(fs::path(MDGPU_SOURCE_DIR) / "inputs/structures/argon_liquid_500.extxyz",
                  dir_ / "argon.extxyz");
  }
  CliResult run(const std::string& args) { return testing::run_mdgpu(dir_, args); }
  void expect_input_error(const std::string& args, std::initializer_list<const char*> fragments) {
    const CliResult r = run(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    for (const char* f : fragments)
      EXPECT_NE(r.err.find(f), std::string::npos) << "missing '" << f << "' in: " << r.err;
  }
  std::string run_input(
      const std::string& analysis,
      const std::string& trajectory = "trajectory = { every = 10, velocities = true }\n") {
    return R"([system]
structure = "argon.extxyz"
velocities = { temperature = 94.4, seed = 3 }
[potential]
kind = "lj"
cutoff = 8.5
pairs = [ { species = ["Ar", "Ar"], epsilon = 0.0104, sigma = 3.40 } ]
[run]
threads = 1
[[stage]]
name = "prod"
ensemble = "nvt"
temperature = 94.4
timestep_fs = 5.0
steps = 2000
[output]
directory = "out"
progress_every_s = 0
)" + trajectory +
           analysis;
  }
  testing::TempDir tmp_;
  const fs::path& dir_ = tmp_.path();
};

const char* kAnalyses = R"([analysis.msd]
species = "Ar"
max_lag_ps = 1.0
fit_start_ps = 0.5
[analysis.rdf]
every = 100
[analysis.profile]
species = "Ar"
cutoff = 4.2
[analysis.vdos]
every = 10
max_lag_ps = 1.0
)";

TEST_F(AnalyzeCli, RunAndSavedTrajectoryGiveTheSameResults) {
  tmp_.write("in.toml", run_input(kAnalyses));
  const CliResult dry = run("run --dry-run in.toml");
  EXPECT_EQ(dry.code, 0) << dry.err;
  EXPECT_NE(dry.out.find("msd         every 10 steps -> out/msd_prod (.csv, .h5)"),
            std::string::npos)
      << dry.out;
  EXPECT_FALSE(fs::exists(dir_ / "out/msd_prod.csv"));
  const CliResult r = run("run in.toml");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("MSD of prod: 201 samples"), std::string::npos) << r.out;
  for (const char* f : {"msd_prod.csv", "msd_prod_D.csv", "msd_prod.h5", "rdf_prod.csv",
                        "rdf_prod.h5", "profile_prod.csv", "profile_prod.h5"})
    EXPECT_TRUE(fs::exists(dir_ / "out" / f)) << f;

  const CliResult msd =
      run("analyze msd out/traj.extxyz species=Ar max_lag_ps=1.0 fit_start_ps=0.5 path=saved/msd");
  ASSERT_EQ(msd.code, 0) << msd.err;
  EXPECT_TRUE(msd.err.empty()) << msd.err;  // frames 50 fs apart: no doubtful minimum-image joins
  EXPECT_NE(msd.out.find("D = "), std::string::npos) << msd.out;
  const CsvTable in_run = read_csv_table((dir_ / "out/msd_prod.csv").string());
  const CsvTable saved = read_csv_table((dir_ / "saved/msd.csv").string());
  ASSERT_EQ(in_run.rows.size(), saved.rows.size());
  ASSERT_EQ(in_run.rows.size(), 21u);
  for (std::size_t k = 1; k < in_run.rows.size(); ++k)
    for (const char* c : {"msd_x_A2", "msd_c_A2", "msd_ab_A2", "msd_total_A2"}) {
      const double want = in_run.number(k, c);
      EXPECT_NEAR(saved.number(k, c), want, 1e-10 * want) << c << " lag " << k;
    }
  const CsvTable d_run = read_csv_table((dir_ / "out/msd_prod_D.csv").string());
  const CsvTable d_saved = read_csv_table((dir_ / "saved/msd_D.csv").string());
  const std::size_t row = d_run.find({{"component", "total"}});
  EXPECT_NEAR(d_saved.number(row, "D_A2_per_ps"), d_run.number(row, "D_A2_per_ps"),
              1e-9 * d_run.number(row, "D_A2_per_ps"));
  EXPECT_GT(d_run.number(row, "D_err_A2_per_ps"), 0.0);

  // The vDOS from the saved velocities equals the one sampled in the run.
  const CliResult vdos = run("analyze vdos out/traj.extxyz max_lag_ps=1.0 path=saved/vdos");
  ASSERT_EQ(vdos.code, 0) << vdos.err;
  EXPECT_NE(vdos.out.find("half Hann"), std::string::npos) << vdos.out;
  const CsvTable v_run = read_csv_table((dir_ / "out/vdos_prod.csv").string());
  const CsvTable v_saved = read_csv_table((dir_ / "saved/vdos.csv").string());
  ASSERT_EQ(v_run.rows.size(), v_saved.rows.size());
  for (std::size_t k = 0; k < v_run.rows.size(); k += 5)
    EXPECT_NEAR(v_saved.number(k, "g_Ar_per_THz"), v_run.number(k, "g_Ar_per_THz"), 1e-9) << k;
  if (std::system("/usr/bin/python3 -c 'import matplotlib' > /dev/null 2>&1") == 0) {
    const std::string plot = "cd '" + dir_.string() + "' && /usr/bin/python3 " + MDGPU_SOURCE_DIR +
                             "/tools/plot_analysis.py saved/vdos.csv > plot.log 2>&1";
    ASSERT_EQ(std::system(plot.c_str()), 0) << testing::slurp(dir_ / "plot.log");
    EXPECT_GT(testing::slurp(dir_ / "saved/vdos.png").size(), 10000u);
  }

  const CliResult rdf = run("analyze rdf out/traj.extxyz every=10 path=saved/rdf");
  ASSERT_EQ(rdf.code, 0) << rdf.err;
  const CsvTable g_run = read_csv_table((dir_ / "out/rdf_prod.csv").string());
  const CsvTable g_saved = read_csv_table((dir_ / "saved/rdf.csv").string());
  ASSERT_EQ(g_run.rows.size(), 200u);
  for (std::size_t k = 0; k < g_run.rows.size(); ++k)
    EXPECT_NEAR(g_saved.number(k, "g_Ar_Ar"), g_run.number(k, "g_Ar_Ar"), 1e-12) << k;

  // Results are not overwritten unless asked.
  const CliResult again = run("analyze rdf out/traj.extxyz every=10 path=saved/rdf");
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  EXPECT_EQ(run("analyze rdf out/traj.extxyz every=10 path=saved/rdf --overwrite").code, 0);
  fs::remove(dir_ / "out/thermo.csv");
  fs::remove(dir_ / "out/traj.extxyz");
  fs::remove(dir_ / "out/in.ckpt.h5");
  const CliResult rerun = run("run in.toml");
  EXPECT_EQ(rerun.code, 2);
  EXPECT_NE(rerun.err.find("out/msd_prod.csv already exists"), std::string::npos) << rerun.err;
}

// mdgpu analyze reads every kind of trajectory mdgpu writes — NetCDF (wrapped: joined by the
// minimum image), LAMMPS dump (unwrapped, gzip-compressed, no time: --frame-interval-ps) — and
// gets the MSD the run computed on the fly.
TEST_F(AnalyzeCli, EveryTrajectoryKindGivesTheRunsMsd) {
  tmp_.write("in.toml", run_input("[analysis.msd]\nspecies = \"Ar\"\nmax_lag_ps = 1.0\n", R"(
[[output.trajectory]]
path = "traj.nc"
format = "netcdf"
precision = "float64"
every = 10
[[output.trajectory]]
path = "traj.dump"
format = "lammps-dump"
coordinates = "unwrapped"
every = 10
)"));
  const CliResult r = run("run in.toml");
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(std::system(("gzip '" + (dir_ / "out/traj.dump").string() + "'").c_str()), 0);
  const CsvTable in_run = read_csv_table((dir_ / "out/msd_prod.csv").string());
  for (const auto& [prefix, args] : {std::pair<std::string, std::string>{"nc", "out/traj.nc"},
                                     {"dump", "out/traj.dump.gz --frame-interval-ps 0.05"}}) {
    const CliResult a = run("analyze msd " + args + " max_lag_ps=1.0 path=" + prefix);
    ASSERT_EQ(a.code, 0) << args << "\n" << a.err;
    const CsvTable saved = read_csv_table((dir_ / (prefix + ".csv")).string());
    ASSERT_EQ(saved.rows.size(), in_run.rows.size()) << args;
    for (std::size_t k = 1; k < in_run.rows.size(); ++k) {
      const double want = in_run.number(k, "msd_total_A2");
      EXPECT_NEAR(saved.number(k, "msd_total_A2"), want, 1e-9 * want) << args << " lag " << k;
    }
  }
  const CliResult nonsense = run("analyze msd in.toml");
  EXPECT_EQ(nonsense.code, 2);
  EXPECT_NE(nonsense.err.find("in.toml: not a trajectory mdgpu reads (it reads extended XYZ, "
                              "AMBER NetCDF (.nc) and LAMMPS dump text"),
            std::string::npos)
      << nonsense.err;
}

TEST_F(AnalyzeCli, BadInputGetsExitCode2AndOneLine) {
  write_walk(dir_ / "walk.extxyz", 1.0, 200, 1);
  expect_input_error(
      "analyze msd walk.extxyz species=Xe",
      {"mdgpu analyze msd: species: species 'Xe' is not in the structure (it has Li, P)"});
  expect_input_error("analyze msd walk.extxyz species=Li slabs={edges_angstrom=[0,5,12]}",
                     {"mdgpu analyze msd: slabs",
                      "slab edge 12 Å is outside the cell (0 to its height along c, 10 Å)"});
  expect_input_error("analyze msd walk.extxyz species=Li max_lag_ps=0.2 fit_start_ps=0.19",
                     {"mdgpu analyze msd: fit_start_ps: empty fit window"});
  expect_input_error("analyze msd walk.extxyz species=Li max_lag_ps=0.02",
                     {"max_lag_ps", "the fit of D needs at least 3"});
  expect_input_error("analyze msd walk.extxyz species=Li max_lag_ps=1.5",
                     {"max_lag_ps", "exceed one of the 5 blocks"});
  expect_input_error("analyze msd walk.extxyz species=Li max_lag_p=0.2",
                     {"did you mean 'max_lag_ps'?"});
  // Times far past the trajectory are refused by name, not turned into overflowed lag counts,
  // and radii whose pair list cannot fit in memory are refused before any frame is analysed.
  expect_input_error("analyze msd walk.extxyz species=Li max_lag_ps=1e300",
                     {"max_lag_ps: the max lag (1e+300 ps) is longer than stretch"});
  expect_input_error("analyze msd walk.extxyz species=Li origin_every_ps=3e9",
                     {"origin_every_ps: 3e+09 ps is longer than stretch"});
  expect_input_error("analyze msd walk.extxyz species=Li origin_every_ps=0.5",
                     {"origin_every_ps: the default max lag", "lower origin_every_ps or blocks"});
  expect_input_error("analyze msd walk.extxyz species=Li max_lag_ps=0.2 fit_start_ps=1e300",
                     {"fit_start_ps: empty fit window"});
  expect_input_error("analyze vdos argon.extxyz max_lag_ps=1e300",
                     {"max_lag_ps: the max lag (1e+300 ps)"});
  expect_input_error("analyze rdf walk.extxyz r_max=1e5 path=sub/rdf",
                     {"mdgpu analyze rdf: r_max: the RDF's pair list of 1e+05 Å",
                      "more than this machine's"});
  EXPECT_FALSE(fs::exists(dir_ / "sub")) << "a refused analysis created its output folder";
  expect_input_error("analyze motifs argon.extxyz p_o_cutoff=1.8",
                     {"no P in the structure (it has Ar)"});
  expect_input_error("analyze msd argon.extxyz species=Ar",
                     {"argon.extxyz: the trajectory has 1 frame(s)"});
  tmp_.write("notime.extxyz", std::regex_replace(testing::slurp(dir_ / "walk.extxyz"),
                                                 std::regex(" time=\\S+"), ""));
  expect_input_error("analyze msd notime.extxyz species=Li",
                     {"notime.extxyz: the frames carry no time=; give --frame-interval-ps"});
  const CliResult given =
      run("analyze msd notime.extxyz species=Li nn_distance=1 --frame-interval-ps 0.01");
  EXPECT_EQ(given.code, 0) << given.err;
  EXPECT_NE(given.out.find("MSD of notime.extxyz: 200 samples"), std::string::npos) << given.out;
  expect_input_error("analyze diffusion walk.extxyz", {"unknown analysis 'diffusion'"});
  expect_input_error("analyze vdos walk.extxyz", {"the vDOS needs velocities"});
  expect_input_error("analyze arrhenius", {"give the MSD results"});
  expect_input_error("analyze arrhenius walk.extxyz", {"walk.extxyz: not an MSD result file"});

  // In a run: the structure is checked before anything is written.
  tmp_.write("in.toml", run_input("[analysis.msd]\nspecies = [\"Ar\", \"Xe\"]\n"));
  expect_input_error("run in.toml",
                     {"in.toml:21: analysis.msd.species: species 'Xe' is not in the structure"});
  tmp_.write("in.toml", run_input("[analysis.msd]\nslabs = { edges_fractional = [0.5, 0.2] }\n"));
  expect_input_error("run in.toml",
                     {"in.toml:21: analysis.msd.slabs: slab edges must increase: 0.5, 0.2"});
  tmp_.write("in.toml", run_input("[analysis.msd]\nmax_lag_ps = 4.0\n"));
  expect_input_error("run in.toml",
                     {"analysis.msd.max_lag_ps", "stretch 'prod' (10 ps sampled every 0.05 ps)"});
  EXPECT_FALSE(fs::exists(dir_ / "out/thermo.csv"));
}

TEST_F(AnalyzeCli, AFitWithTooFewPointsSaysSo) {
  write_walk(dir_ / "slow.extxyz", 0.01, 200, 2);  // MSD never reaches 0.5 a²
  const CliResult r = run("analyze msd slow.extxyz species=Li max_lag_ps=0.3");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("no D: the MSD stays below 0.5 a²"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("D = "), std::string::npos) << r.out;
  const CsvTable d = read_csv_table((dir_ / "msd_D.csv").string());
  EXPECT_EQ(d.text(0, "D_A2_per_ps"), "");  // no value: an empty field, explained by the note
  EXPECT_NE(d.text(0, "note").find("not diffusive on this time scale"), std::string::npos);
}

TEST_F(AnalyzeCli, FramesTooFarApartForTheMinimumImageAreReported) {
  const std::string head =
      "2\nLattice=\"10 0 0 0 10 0 0 0 10\" Properties=species:S:1:pos:R:3 time=";
  tmp_.write("jump.extxyz", head + "0\nLi 1 1 1\nLi 5 5 5\n" + head + "1\nLi 1 1 1\nLi 5 5 5\n" +
                                head + "2\nLi 5.2 1 1\nLi 5 5 5\n" + head +
                                "3\nLi 5.2 1 1\nLi 5 5 5\n");
  const CliResult r =
      run("analyze msd jump.extxyz max_lag_ps=1 blocks=2 fit_start_ps=1 nn_distance=1");
  EXPECT_EQ(r.code, 2) << r.err;  // four frames hold no three-lag window: the stretch is too short
  const CliResult rdf = run("analyze rdf jump.extxyz r_max=4");
  EXPECT_EQ(rdf.code, 0) << rdf.err;  // the RDF does not unwrap
  std::string frames;
  for (int k = 0; k < 12; ++k)
    frames +=
        head + std::to_string(k) + (k < 6 ? "\nLi 1 1 1\nLi 5 5 5\n" : "\nLi 5.2 1 1\nLi 5 5 5\n");
  tmp_.write("jump.extxyz", frames);
  const CliResult msd =
      run("analyze msd jump.extxyz max_lag_ps=3 blocks=2 nn_distance=1 --overwrite");
  EXPECT_EQ(msd.code, 0) << msd.err;
  EXPECT_NE(
      msd.err.find("warning: 1 move(s) between consecutive frames exceed a third of the cell width "
                   "(first: jump.extxyz:"),
      std::string::npos)
      << msd.err;
  EXPECT_NE(msd.err.find("atom 1 moved 0.420 of the cell width along axis a"), std::string::npos)
      << msd.err;
}

// Random walks whose D follows Arrhenius at 600-1500 K: `mdgpu analyze msd` at each temperature,
// then `mdgpu analyze arrhenius` over the results recovers Ea within its error; the plots of
// every kind of result come out as PNGs.
TEST_F(AnalyzeCli, ArrheniusFitOfMsdResultsAndPlots) {
  const double Ea = 0.3, D0 = 50.0;  // eV, Å²/ps
  for (int T : {600, 900, 1200, 1500}) {
    const std::string name = fmt::format("walk{}.extxyz", T);
    write_walk(dir_ / name, D0 * std::exp(-Ea / (units::kBoltzmann * T)), 600, T);
    const CliResult r =
        run(fmt::format("analyze msd {} species=Li nn_distance=1 max_lag_ps=1 temperature={} "
                        "path=results/msd_{}K",
                        name, T, T));
    ASSERT_EQ(r.code, 0) << r.err;
  }
  const CliResult r = run("analyze arrhenius results");
  ASSERT_EQ(r.code, 0) << r.err;
  std::printf("%s\n", r.out.c_str());
  const CsvTable fit = read_csv_table((dir_ / "arrhenius_fit.csv").string());
  ASSERT_EQ(fit.rows.size(), 1u);
  EXPECT_EQ(fit.text(0, "group"), "Li");
  EXPECT_EQ(fit.number(0, "points"), 4);
  EXPECT_NEAR(fit.number(0, "Ea_eV"), Ea, 3.0 * fit.number(0, "Ea_err_eV"));
  EXPECT_LT(fit.number(0, "Ea_err_eV"), 0.02);
  EXPECT_GT(fit.number(0, "sigma_S_per_cm"), 0.0);  // Li carries +1 by default
  EXPECT_EQ(read_csv_table((dir_ / "arrhenius.csv").string()).rows.size(), 4u);
  expect_input_error(
      "analyze arrhenius results/msd_900K.h5 --overwrite",
      {"mdgpu analyze arrhenius: group Li: too few points for a fit: 1 temperature(s)"});

  if (std::system("/usr/bin/python3 -c 'import matplotlib' > /dev/null 2>&1") != 0)
    GTEST_SKIP()
        << "plots not tested: /usr/bin/python3 has no matplotlib (apt install python3-matplotlib)";
  ASSERT_EQ(run("analyze rdf walk900.extxyz every=50").code, 0);
  ASSERT_EQ(run("analyze profile walk900.extxyz every=50 bins=10 cutoff=3").code, 0);
  const std::string plot =
      "/usr/bin/python3 " + std::string(MDGPU_SOURCE_DIR) + "/tools/plot_analysis.py";
  const std::string cmd =
      "cd '" + dir_.string() + "' && " + plot +
      " results/msd_900K.csv rdf.csv profile.csv arrhenius.csv --out plots > plot.log 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << testing::slurp(dir_ / "plot.log");
  for (const char* png : {"msd_900K.png", "rdf.png", "profile.png", "arrhenius.png"}) {
    const std::string bytes = testing::slurp(dir_ / "plots" / png);
    EXPECT_GT(bytes.size(), 10000u) << png;
    EXPECT_EQ(bytes.substr(0, 8), "\x89PNG\r\n\x1a\n") << png;
  }
}

}  // namespace
}  // namespace mdgpu
