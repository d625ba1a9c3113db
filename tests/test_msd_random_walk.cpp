// The MSD observer and diffusivity fit on random walks with a known D: in 1, 2 and 3 dimensions,
// in orthogonal and triclinic cells whose boundaries the walkers cross many times (only the image
// counters keep their path), with and without a drift of everything. D must come back within the
// reported error, and that error must match the scatter of D across independent runs.
#include <cmath>
#include <cstdio>

#include <gtest/gtest.h>

#include "analysis/msd_analysis.hpp"
#include "tests/random_walk.hpp"

namespace mdgpu {
namespace {

using testing::RandomWalk;
using testing::WalkSpec;

// The MSD spec the walks use: Li diffuses; a = 1 Å puts the start of the fit window at 0.5 Å².
MsdSpec walk_msd(double max_lag, int blocks = 5) {
  MsdSpec m;
  m.species = {"Li"};
  m.max_lag = max_lag;
  m.blocks = blocks;
  m.nn_distance = 1.0;
  return m;
}

GroupDiffusivity walk_diffusivity(const WalkSpec& w, const MsdSpec& m, int samples,
                                  std::int64_t* image_shift = nullptr) {
  RandomWalk walk(w);
  MsdAnalysis msd(m, walk.system(), Stretch{"walk", samples, w.dt});
  ThermoSample t;
  t.temperature = NAN;
  for (int k = 0; k < samples; ++k) {
    if (k > 0) walk.step();
    msd.add(walk.system(), t);
  }
  if (image_shift) {  // Σ |n|: how many cells away from their start the walkers ended
    *image_shift = 0;
    for (const auto& im : walk.system().image)
      for (std::int32_t n : im) *image_shift += std::abs(n);
  }
  return msd.diffusivities().front();
}

void expect_recovered(const GroupDiffusivity& d, MsdComponent c, double D) {
  const ComponentDiffusivity& cd = d.components[c];
  std::printf("  %-5s D = %.4f ± %.4f Å²/ps (true %.4f; %+.2f errors), log-log slope %.3f\n",
              kMsdComponentNames[c], cd.D, cd.error, D, (cd.D - D) / cd.error, cd.loglog_slope);
  EXPECT_GT(cd.error, 0.0);
  EXPECT_NEAR(cd.D, D, 3.0 * cd.error) << kMsdComponentNames[c];
  EXPECT_TRUE(cd.linear) << kMsdComponentNames[c];
}

TEST(MsdRandomWalk, RecoversDInOneTwoAndThreeDimensions) {
  for (int dims = 1; dims <= 3; ++dims) {
    WalkSpec w;
    w.dims = dims;
    w.D = 2.0;  // rms path 9 Å per axis over the run: many crossings of the 10 Å cell
    w.seed = 10 + dims;
    std::int64_t image_shift = 0;
    const GroupDiffusivity d = walk_diffusivity(w, walk_msd(2.0), 2000, &image_shift);
    std::printf("%dD walk, walkers end sum |n| = %lld cells away:\n", dims,
                static_cast<long long>(image_shift));
    EXPECT_GT(image_shift, 50);
    ASSERT_TRUE(d.note.empty()) << d.note;
    // Moving axes carry D each; the d-dimensional component too; the others stay exactly still.
    expect_recovered(d, kMsdX, w.D);
    expect_recovered(d, kMsdA, w.D);
    if (dims >= 2) {
      expect_recovered(d, kMsdY, w.D);
      expect_recovered(d, kMsdAB, w.D);
    }
    if (dims == 3) {
      expect_recovered(d, kMsdTotal, w.D);
      expect_recovered(d, kMsdC, w.D);
    } else {
      EXPECT_LT(std::fabs(d.components[kMsdC].D), 1e-25);  // wrapping round-off only
      EXPECT_LT(std::fabs(d.components[kMsdZ].D), 1e-25);
    }
    if (dims == 1) {
      expect_recovered(d, kMsdTotal, w.D / 3.0);
      EXPECT_LT(std::fabs(d.components[kMsdY].D), 1e-25);
    }
  }
}

TEST(MsdRandomWalk, TriclinicCellAlongTheCellVectors) {
  WalkSpec w;
  w.D = 1.5;
  w.cell = Mat3{Vec3{7.0, 0.0, 0.0}, Vec3{2.5, 6.5, 0.0}, Vec3{-1.5, 2.0, 6.0}};
  w.seed = 7;
  std::int64_t image_shift = 0;
  const GroupDiffusivity d = walk_diffusivity(w, walk_msd(2.0), 2000, &image_shift);
  std::printf("triclinic cell, walkers end sum |n| = %lld cells away:\n",
              static_cast<long long>(image_shift));
  EXPECT_GT(image_shift, 200);
  // Isotropic diffusion: D along any direction, in any plane and in space is the same D.
  for (MsdComponent c : {kMsdA, kMsdB, kMsdC, kMsdAB, kMsdTotal}) expect_recovered(d, c, w.D);
}

TEST(MsdRandomWalk, DriftOfEverythingIsRemovedWithTheFramework) {
  WalkSpec w;
  w.D = 0.5;
  w.framework = 60;
  w.drift = Vec3{1.0, -0.5, 0.3};  // Å/ps: v² t² dwarfs 6 D t at the longer lags
  w.seed = 3;
  MsdSpec m = walk_msd(2.0);
  m.remove_drift = true;  // framework: every species not diffusing (P)
  std::printf("drifting walk, drift removed:\n");
  expect_recovered(walk_diffusivity(w, m, 2000), kMsdTotal, w.D);

  m.remove_drift = false;
  const ComponentDiffusivity kept = walk_diffusivity(w, m, 2000).components[kMsdTotal];
  std::printf("drifting walk, drift kept: D = %.3f, log-log slope %.3f\n", kept.D,
              kept.loglog_slope);
  EXPECT_FALSE(kept.linear);
  EXPECT_GT(kept.loglog_slope, 1.0 + kLinearTolerance);
}

// The reported error is a standard error: across independent runs, D scatters about the true
// value by about the reported error, and about two runs in three land within it (Student t with
// blocks - 1 = 4 degrees of freedom gives 63 %).
TEST(MsdRandomWalk, ReportedErrorMatchesTheScatterAcrossIndependentRuns) {
  constexpr int kRuns = 40;
  double squared_deviation = 0.0, squared_error = 0.0;
  int within = 0;
  for (int run = 0; run < kRuns; ++run) {
    WalkSpec w;
    w.walkers = 50;
    w.D = 1.0;
    w.seed = 1000 + run;
    const ComponentDiffusivity d = walk_diffusivity(w, walk_msd(1.0), 1000).components[kMsdTotal];
    squared_deviation += (d.D - w.D) * (d.D - w.D) / kRuns;
    squared_error += d.error * d.error / kRuns;
    within += std::fabs(d.D - w.D) <= d.error;
  }
  const double ratio = std::sqrt(squared_deviation / squared_error);
  std::printf(
      "%d runs: rms deviation of D from the truth %.4f Å²/ps, rms reported error %.4f Å²/ps "
      "(ratio %.2f); %d/%d within one reported error\n",
      kRuns, std::sqrt(squared_deviation), std::sqrt(squared_error), ratio, within, kRuns);
  // 40 runs pin the rms deviation to ±11 % and the rms error to ±6 % (1 sigma).
  EXPECT_GT(ratio, 0.7);
  EXPECT_LT(ratio, 1.35);
  EXPECT_GE(within, 18);  // binomial(40, 0.63): mean 25, sd 3
  EXPECT_LE(within, 33);
}

}  // namespace
}  // namespace mdgpu
