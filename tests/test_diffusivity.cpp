// The diffusivity fit on MSD tables with known content: the window starts where the total MSD
// first exceeds 0.5 a² (or where fit_start_ps says), D = slope / (2 d) for every component, and
// a window with too few points — or an MSD that never leaves the ballistic/caged regime — gives a
// note saying why instead of a number.
#include <cmath>

#include <gtest/gtest.h>

#include "analysis/diffusivity.hpp"
#include "analysis/student_t.hpp"

namespace mdgpu {
namespace {

// MSD per axis = 2 D t + offset (offset: the short-time ballistic/caging part), in every block.
MsdTable linear_table(int lags, double D, double dt, double offset) {
  MsdTable t;
  t.resize(lags, 1);
  for (int lag = 0; lag < lags; ++lag) {
    const double axis = lag == 0 ? 0.0 : 2.0 * D * lag * dt + offset;
    t.pairs[t.at(lag, 0)] = 10;
    double* s = &t.sum[t.at(lag, 0) * kMsdComponents];
    for (int c : {kMsdX, kMsdY, kMsdZ, kMsdA, kMsdB, kMsdC}) s[c] = 10 * axis;
    s[kMsdAB] = 10 * 2 * axis;
    s[kMsdTotal] = 10 * 3 * axis;
  }
  return t;
}

TEST(Diffusivity, WindowStartsAboveHalfTheSquaredNeighbourDistance) {
  const double D = 0.3, dt = 0.1;
  const MsdTable t = linear_table(41, D, dt, 0.5);
  const std::vector<MsdTable> blocks = {linear_table(41, 0.29, dt, 0.5),
                                        linear_table(41, 0.31, dt, 0.5)};
  const GroupDiffusivity d = fit_diffusivity(t, blocks, 0, FitSettings{dt, 4.0, std::nullopt});
  // Total MSD = 6 D t + 1.5 exceeds 4 Å² first at t = 1.4 ps (lag 14).
  EXPECT_EQ(d.first_lag, 14);
  EXPECT_EQ(d.last_lag, 40);
  EXPECT_TRUE(d.note.empty()) << d.note;
  for (int c = 0; c < kMsdComponents; ++c) {
    EXPECT_NEAR(d.components[c].D, D, 1e-12) << kMsdComponentNames[c];
    // D is the mean of the block values; its error the 68.3 % half-width of Student t with one
    // degree of freedom (Cauchy: tan(π 0.683 / 2)) times their standard error, std of 0.29 and
    // 0.31 (0.0141) / sqrt(2 blocks).
    EXPECT_NEAR(d.components[c].error, 0.01 * std::tan(M_PI * 0.5 * kOneSigmaCoverage), 1e-12);
    // The offset bends the log-log line (slope 0.73 over the window): flagged as not linear.
    EXPECT_LT(d.components[c].loglog_slope, 1.0 - kLinearTolerance);
    EXPECT_FALSE(d.components[c].linear);
  }
  const GroupDiffusivity straight =
      fit_diffusivity(linear_table(41, D, dt, 0.0), blocks, 0, FitSettings{dt, 4.0, std::nullopt});
  EXPECT_NEAR(straight.components[kMsdTotal].loglog_slope, 1.0, 1e-12);
  EXPECT_TRUE(straight.components[kMsdTotal].linear);

  const GroupDiffusivity given = fit_diffusivity(t, blocks, 0, FitSettings{dt, 4.0, 30});
  EXPECT_EQ(given.first_lag, 30);
  EXPECT_NEAR(given.components[kMsdAB].D, D, 1e-12);
}

TEST(Diffusivity, TooFewPointsSaysSoInsteadOfANumber) {
  const MsdTable t = linear_table(41, 0.3, 0.1, 0.0);
  // 6 D t exceeds 7 Å² only at lag 39: two points to the max lag.
  const GroupDiffusivity d = fit_diffusivity(t, {t, t}, 0, FitSettings{0.1, 7.0, std::nullopt});
  EXPECT_TRUE(std::isnan(d.components[kMsdTotal].D));
  EXPECT_EQ(
      d.note,
      "no D: too few points for a fit (2 lags from 3.9 ps to the max lag 4 ps; at least 3 needed)");

  const GroupDiffusivity never =
      fit_diffusivity(t, {t, t}, 0, FitSettings{0.1, 50.0, std::nullopt});
  EXPECT_TRUE(std::isnan(never.components[kMsdTotal].D));
  EXPECT_EQ(never.note,
            "no D: the MSD stays below 0.5 a² = 50 Å² up to the max lag (4 ps): not diffusive "
            "on this time scale");
}

// MSD per axis = 2 D t + k t²: the slope over [t1, t2] is 2 D + k (t1 + t2) exactly, so D rises by
// k (t2 - t1) / 2 from the window's first half to its second; identical blocks have no noise, so
// the window error is all of half that change.
TEST(Diffusivity, WindowErrorIsHalfTheChangeOfDAcrossTheWindow) {
  const double D = 0.3, k = 0.02, dt = 0.1;
  MsdTable t;
  t.resize(41, 1);
  for (int lag = 0; lag < 41; ++lag) {
    const double time = lag * dt, axis = 2.0 * D * time + k * time * time;
    t.pairs[t.at(lag, 0)] = 1;
    double* s = &t.sum[t.at(lag, 0) * kMsdComponents];
    for (int c : {kMsdX, kMsdY, kMsdZ, kMsdA, kMsdB, kMsdC}) s[c] = axis;
    s[kMsdAB] = 2 * axis;
    s[kMsdTotal] = 3 * axis;
  }
  const GroupDiffusivity d = fit_diffusivity(t, {t, t, t, t}, 0, FitSettings{dt, 0.0, 10});
  ASSERT_EQ(d.first_lag, 10);
  ASSERT_EQ(d.last_lag, 40);
  const ComponentDiffusivity& x = d.components[kMsdX];
  // Halves [1, 2.5] and [2.5, 4] ps: D = (2 D + k (t1 + t2)) / 2 over each.
  EXPECT_NEAR(x.D_early, D + k * 3.5 / 2, 1e-12);
  EXPECT_NEAR(x.D_late, D + k * 6.5 / 2, 1e-12);
  EXPECT_NEAR(x.window_error, k * 3.0 / 4, 1e-12);
  EXPECT_NEAR(x.error, 0.0, 1e-14);  // identical blocks
  EXPECT_NEAR(x.total_error(), x.window_error, 1e-14);
}

TEST(Diffusivity, ARunTooShortSaysWhatLengthWouldGiveAWindow) {
  const MsdTable t = linear_table(41, 0.3, 0.1, 0.0);  // total MSD 1.8 t: 7.2 Å² at 4 ps
  const GroupDiffusivity d = fit_diffusivity(t, {t, t}, 0, FitSettings{0.1, 50.0, std::nullopt});
  // Growing as t^1, it reaches 50 Å² at 4 × 50 / 7.2 = 27.8 ps; a window to twice that in each
  // of 5 blocks, with origins a twentieth of the max lag apart: 5 × 55.6 × 1.05 = 292 ps.
  EXPECT_NE(d.advice.find("t^1.00"), std::string::npos) << d.advice;
  EXPECT_NE(d.advice.find("near 27.8 ps"), std::string::npos) << d.advice;
  EXPECT_NE(d.advice.find("a run of about 292 ps"), std::string::npos) << d.advice;
  EXPECT_FALSE(d.has_window());
}

TEST(Diffusivity, BlocksWithoutDataGiveNoError) {
  const MsdTable t = linear_table(21, 0.3, 0.1, 0.0);
  MsdTable empty;
  empty.resize(21, 1);
  const GroupDiffusivity d = fit_diffusivity(t, {t, empty}, 0, FitSettings{0.1, 0.1, std::nullopt});
  EXPECT_NEAR(d.components[kMsdTotal].D, 0.3, 1e-12);
  EXPECT_TRUE(std::isnan(d.components[kMsdTotal].error));
  EXPECT_EQ(d.note, "no error of D: only 1 block(s) hold every lag of the fit window (2 needed)");
}

TEST(Diffusivity, NernstEinsteinInSIUnits) {
  // 100 Li+ in 10 nm³ (1e4 Å³) with D = 1e-5 cm²/s at 300 K: σ = n q² D / (k_B T) in SI.
  const double n = 100 / 1e-26, q = 1.602176634e-19, D = 1e-9, kT = 1.380649e-23 * 300.0;
  const double sigma_si = n * q * q * D / kT / 100.0;  // S/cm
  EXPECT_NEAR(nernst_einstein(100, 1e4, 1.0, 0.1, 300.0), sigma_si, 1e-9 * sigma_si);
}

}  // namespace
}  // namespace mdgpu
