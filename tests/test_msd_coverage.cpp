// Calibration of the reported errors of D: over many independent random walks with a known D, the
// reported ±1σ and ±2σ intervals must cover the truth as often as they promise — 68.3 % for ±1σ
// (the statistical error is a Student-t 68.3 % half-width) and P(|t| <= 2 t_68) for ±2σ — within
// twice the binomial sampling error of the coverage. Too rare is dishonest, too frequent wasteful:
// both fail. Also with two blocks (the error widened for one degree of freedom) and for the window
// error, which a walk that does not depend on the window must leave small.
#include <cmath>
#include <cstdio>

#include <gtest/gtest.h>

#include "analysis/msd_analysis.hpp"
#include "analysis/student_t.hpp"
#include "engine/velocities.hpp"
#include "tests/analysis_run.hpp"
#include "tests/csv.hpp"
#include "tests/random_walk.hpp"
#include "tests/temp_dir.hpp"

namespace mdgpu {
namespace {

struct Coverage {
  int runs = 0, one = 0, two = 0, total_one = 0;
  double window = 0.0, stat = 0.0;  // mean window and statistical errors
};

// `runs` independent walks analysed with the default max lag for `blocks` blocks.
Coverage walk_coverage(int runs, int blocks, unsigned seed0) {
  Coverage c;
  for (int run = 0; run < runs; ++run) {
    testing::WalkSpec w;
    w.walkers = 20;
    w.D = 1.0;
    w.seed = seed0 + run;
    testing::RandomWalk walk(w);
    MsdSpec m;
    m.species = {"Li"};
    m.blocks = blocks;
    m.nn_distance = 1.0;  // the window starts at 0.5 Å²: 0.09 ps
    constexpr int kSamples = 600;
    MsdAnalysis msd(m, walk.system(), Stretch{"walk", kSamples, w.dt});
    ThermoSample t;
    t.temperature = NAN;
    for (int k = 0; k < kSamples; ++k) {
      if (k > 0) walk.step();
      msd.add(walk.system(), t);
    }
    const ComponentDiffusivity d = msd.diffusivities().front().components[kMsdTotal];
    const double deviation = std::fabs(d.D - w.D);
    c.one += deviation <= d.error;
    c.two += deviation <= 2.0 * d.error;
    c.total_one += deviation <= d.total_error();
    c.window += d.window_error / runs;
    c.stat += d.error / runs;
    ++c.runs;
  }
  return c;
}

void expect_coverage(int hits, int runs, double expected, const char* what) {
  const double observed = static_cast<double>(hits) / runs;
  const double sampling = std::sqrt(expected * (1.0 - expected) / runs);
  std::printf("  %-28s %5.1f %% (expected %.1f %% ± %.1f %%)\n", what, 100 * observed,
              100 * expected, 100 * sampling);
  EXPECT_NEAR(observed, expected, 2.0 * sampling) << what;
}

TEST(MsdCoverage, ReportedIntervalsCoverTheTruthAsPromised) {
  for (int blocks : {5, 2}) {
    constexpr int kRuns = 400;
    const Coverage c = walk_coverage(kRuns, blocks, 5000 + 1000 * blocks);
    const int dof = blocks - 1;
    const double two_sigma = 2.0 * student_t_cdf(2.0 * one_sigma_factor(dof), dof) - 1.0;
    std::printf(
        "%d random walks, %d blocks (%d dof); mean window error / mean statistical "
        "error %.2f\n",
        kRuns, blocks, dof, c.window / c.stat);
    expect_coverage(c.one, c.runs, kOneSigmaCoverage, "within ±1σ (statistical)");
    expect_coverage(c.two, c.runs, two_sigma, "within ±2σ (statistical)");
    // The window error adds what the window changes beyond noise: for a walk, little — when
    // enough blocks measure that noise (two blocks cannot).
    std::printf("  within ±1σ (total)          %5.1f %%\n", 100.0 * c.total_one / c.runs);
    EXPECT_GE(c.total_one, c.one);
    if (blocks >= kMinBlocks) EXPECT_LT(c.window / c.stat, 0.5);
  }
}

// One short liquid-argon run (108 atoms, Rahman's state point): D, its statistical error, and the
// plain standard error of the block mean (the error without the Student-t factor).
struct LjD {
  double D, error, standard_error;
};

LjD lj_run(unsigned seed) {
  testing::TempDir dir;
  System s = testing::argon_fcc(3, 1.374, 0.2, seed);
  RunPlan plan = testing::rahman_plan(300, 700, 4000);  // 40 ps of production
  MsdSpec msd;
  msd.common.every = 2;
  msd.common.stages = {"prod"};
  msd.common.path = (dir / "msd").string();
  plan.analyses = {msd};  // defaults: 5 blocks, the longest max lag they hold
  maxwell_boltzmann(s, 300.0, seed, 3 * static_cast<int>(s.size()) - 3);
  testing::run_with_analyses(plan, s, [](const std::string&) {});
  const testing::CsvTable d = testing::read_csv_table((dir / "msd_prod_D.csv").string());
  const std::size_t row = d.find({{"group", "Ar"}, {"component", "total"}});
  const double error = d.number(row, "D_err_A2_per_ps");
  const int dof = static_cast<int>(d.number(row, "error_dof"));
  return {d.number(row, "D_A2_per_ps"), error, error / one_sigma_factor(dof)};
}

// Independent short Lennard-Jones runs have no known D, so each is compared with the mean of the
// others: the deviations must match the reported errors in size (the scatter of D across runs over
// the rms standard error: 1 when honest) and in coverage. Twenty runs pin the ratio to about ±16 %
// and the coverage to ±10 %: a coarse check, beside the walks' fine one, that the errors hold for
// real dynamics (velocity memory, caging) too.
TEST(MsdCoverage, IndependentLennardJonesRunsScatterAsTheirErrorsSay) {
  constexpr int kRuns = 20;
  std::vector<LjD> runs;
  for (int k = 0; k < kRuns; ++k) runs.push_back(lj_run(100 + k));
  double mean = 0.0, se2 = 0.0;
  for (const LjD& r : runs) mean += r.D / kRuns, se2 += r.standard_error * r.standard_error / kRuns;
  double scatter2 = 0.0;
  for (const LjD& r : runs) scatter2 += (r.D - mean) * (r.D - mean) / (kRuns - 1);
  int one = 0;
  for (int k = 0; k < kRuns; ++k) {
    // The mean of the other runs, and its own uncertainty from their scatter.
    const double others = (mean * kRuns - runs[k].D) / (kRuns - 1);
    const double spread = std::sqrt(scatter2 / (kRuns - 1));
    one += std::fabs(runs[k].D - others) <= std::hypot(runs[k].error, spread);
  }
  const double ratio = std::sqrt(scatter2 / se2);
  std::printf(
      "%d LJ runs: mean D %.4f Å²/ps, scatter %.4f, rms standard error %.4f (ratio %.2f); "
      "%d within ±1σ of the others' mean\n",
      kRuns, mean, std::sqrt(scatter2), std::sqrt(se2), ratio, one);
  EXPECT_GT(ratio, 0.6);
  EXPECT_LT(ratio, 1.5);
  expect_coverage(one, kRuns, kOneSigmaCoverage, "LJ within ±1σ");
}

}  // namespace
}  // namespace mdgpu
