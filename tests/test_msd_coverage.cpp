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
#include "tests/random_walk.hpp"

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
    std::printf("%d random walks, %d blocks (%d dof); mean window error / mean statistical "
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

}  // namespace
}  // namespace mdgpu
