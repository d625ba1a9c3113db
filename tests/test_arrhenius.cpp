// The Arrhenius fit: exact on exact data (Ea, D0, the extrapolated D and σ), errors that cover
// the truth as often as a standard error should on noisy data, and too few temperatures refused.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include <gtest/gtest.h>

#include "analysis/arrhenius.hpp"
#include "analysis/diffusivity.hpp"
#include "core/errors.hpp"
#include "core/units.hpp"

namespace mdgpu {
namespace {

constexpr double kEa = 0.45, kD0 = 80.0;  // eV, Å²/ps
const double kTemperatures[] = {600.0, 900.0, 1200.0, 1500.0};

double arrhenius_D(double T) { return kD0 * std::exp(-kEa / (units::kBoltzmann * T)); }

std::vector<ArrheniusPoint> points(double relative_error, std::mt19937* noise) {
  std::vector<ArrheniusPoint> out;
  for (double T : kTemperatures) {
    ArrheniusPoint p;
    p.source = "synthetic";
    p.group = "Li";
    p.temperature = T;
    p.D = arrhenius_D(T);
    p.error = relative_error * p.D;
    if (noise) p.D *= std::exp(std::normal_distribution<double>(0.0, relative_error)(*noise));
    p.atoms = 40, p.volume = 2000.0, p.charge = 1.0;
    out.push_back(p);
  }
  return out;
}

TEST(Arrhenius, ExactDataGiveTheExactLineAndExtrapolation) {
  const ArrheniusFit f = fit_arrhenius(points(0.05, nullptr), 300.0, "test");
  EXPECT_NEAR(f.Ea, kEa, 1e-12);
  EXPECT_NEAR(f.ln_D0, std::log(kD0), 1e-10);
  EXPECT_NEAR(f.chi2, 0.0, 1e-18);
  EXPECT_EQ(f.dof, 2);
  EXPECT_EQ(f.error_scale, 1.0);
  EXPECT_NEAR(std::exp(f.ln_D), arrhenius_D(300.0), 1e-9 * arrhenius_D(300.0));
  EXPECT_NEAR(f.sigma, nernst_einstein(40, 2000.0, 1.0, arrhenius_D(300.0), 300.0), 1e-9 * f.sigma);
  // The extrapolation is further from the data than any point: its error exceeds theirs.
  EXPECT_GT(f.ln_D_error, 0.05);
  EXPECT_GT(f.Ea_error, 0.0);
}

TEST(Arrhenius, ErrorsCoverTheTruthAsStandardErrorsShould) {
  std::mt19937 noise(5);
  int within = 0;
  constexpr int kSets = 400;
  for (int k = 0; k < kSets; ++k) {
    const ArrheniusFit f = fit_arrhenius(points(0.1, &noise), 300.0, "test");
    within += std::fabs(f.Ea - kEa) <= f.Ea_error;
  }
  std::printf("Ea within one reported error in %d of %d noisy data sets\n", within, kSets);
  // The χ²-scaled error covers a bit more than 68 %; binomial sd over 400 sets is 2.3 %.
  EXPECT_GT(within, 0.62 * kSets) << within;
  EXPECT_LT(within, 0.85 * kSets) << within;
}

TEST(Arrhenius, OneTemperatureIsTooFewPoints) {
  std::vector<ArrheniusPoint> one = points(0.05, nullptr);
  for (ArrheniusPoint& p : one) p.temperature = 900.0;
  try {
    fit_arrhenius(one, 300.0, "mdgpu analyze arrhenius: group Li");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "mdgpu analyze arrhenius: group Li: too few points for a fit: 1 temperature(s), "
                 "at least 3 distinct are needed");
  }
}

// A point flagged as not diffusive stays out of the fit (which then is exact again); with fewer
// than three temperatures left the fit refuses, naming each point left out and why.
TEST(Arrhenius, NonDiffusivePointsAreLeftOutWithTheirReason) {
  std::vector<ArrheniusPoint> pts = points(0.05, nullptr);
  ArrheniusPoint ballistic = pts[1];
  ballistic.D *= 3.0;
  ballistic.source = "hot.h5:/groups/Li";
  ballistic.excluded = "NOT linear: log-log slope 1.92";
  pts.push_back(ballistic);
  const ArrheniusFit f = fit_arrhenius(pts, 300.0, "test");
  EXPECT_EQ(f.points, 4);
  EXPECT_NEAR(f.Ea, kEa, 1e-12);
  pts[0].excluded = pts[2].excluded = "no D: the MSD stays below 0.5 a²";
  try {
    fit_arrhenius(pts, 300.0, "group Li");
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("group Li: too few points for a fit: 2 temperature(s), at least 3"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("hot.h5:/groups/Li (NOT linear: log-log slope 1.92)"), std::string::npos)
        << what;
    EXPECT_EQ(std::count(what.begin(), what.end(), '\n'), 0);
  }
}

// The fit weights each point by its full error: a point whose window error is large barely pulls
// the line, one without it pulls with its statistical error alone.
TEST(Arrhenius, TheWindowErrorWeighsThePoint) {
  std::vector<ArrheniusPoint> pts = points(0.02, nullptr);
  pts[3].D *= 1.2;  // off the line at 1500 K
  const double pulled = fit_arrhenius(pts, 300.0, "test").Ea;
  pts[3].window_error = 2.0 * pts[3].D;
  const double weighed = fit_arrhenius(pts, 300.0, "test").Ea;
  EXPECT_GT(std::fabs(pulled - kEa), 0.01);
  EXPECT_LT(std::fabs(weighed - kEa), 0.01 * std::fabs(pulled - kEa));
}

}  // namespace
}  // namespace mdgpu
