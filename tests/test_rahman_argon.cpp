// Rahman's liquid argon (Phys. Rev. 136, A405 (1964)): 864 Lennard-Jones atoms (ε/k_B = 120 K,
// σ = 3.4 Å) at 1.374 g/cm³ and 94.4 K, with his 10 fs time step. mdgpu's own MD, sampled by the
// in-run MSD observer, gives the self-diffusion coefficient he published, 2.43e-5 cm²/s, within
// the errors of the two measurements: the one mdgpu reports for its 200 ps, and that of Rahman's
// trajectory of about 10 ps (his Table I), which is sqrt(200 / 10) ≈ 4.5 times larger — the
// statistical error of a time average falls as 1/sqrt(duration). (Five independent 200 ps runs
// average 2.48e-5, 2 % above Rahman, as a modern LAMMPS replication finds: 2.47e-5.)
#include <cmath>
#include <cstdio>

#include <gtest/gtest.h>

#include "engine/velocities.hpp"
#include "tests/analysis_run.hpp"
#include "tests/cli.hpp"
#include "tests/csv.hpp"
#include "tests/md_fixture.hpp"
#include "tests/temp_dir.hpp"

namespace mdgpu {
namespace {

constexpr double kRahmanD = 2.43e-5;      // cm²/s
constexpr double kRahmanDuration = 10.0;  // ps, his trajectory
constexpr double kProduction = 200.0;     // ps, this one

TEST(RahmanArgon, SelfDiffusionMatchesThePublishedValue) {
  testing::TempDir dir;
  System s = testing::argon_fcc(6, 1.374, 0.2);
  ASSERT_EQ(s.size(), 864u);
  // Melt the crystal hot, cool to 94.4 K and let the liquid settle (shorter equilibrations leave
  // D a few per cent low), then production under a gentle thermostat.
  RunPlan plan = testing::rahman_plan(1000, 2000, std::llround(kProduction / 0.01));
  MsdSpec msd;
  msd.common.every = 2;
  msd.common.stages = {"prod"};
  msd.common.path = (dir / "msd").string();
  msd.max_lag = 10.0;
  msd.blocks = 10;  // 20 ps each: the error of the error is ±24 % (±35 % with 5)
  plan.analyses = {msd};

  maxwell_boltzmann(s, 300.0, 2026, 3 * static_cast<int>(s.size()) - 3);
  testing::run_with_analyses(plan, s,
                             [](const std::string& line) { std::printf("%s\n", line.c_str()); });

  const testing::CsvTable d = testing::read_csv_table((dir / "msd_prod_D.csv").string());
  const std::size_t row = d.find({{"group", "Ar"}, {"component", "total"}});
  const double D = d.number(row, "D_cm2_per_s"), err = d.number(row, "D_err_cm2_per_s");
  const double rahman_err = err * std::sqrt(kProduction / kRahmanDuration);
  const double combined = std::hypot(err, rahman_err);
  std::printf(
      "Rahman argon: D = %.4g ± %.2g cm²/s (Rahman 1964: %.3g ± %.2g from 10 ps; difference "
      "%+.2f combined errors), T = %.2f K, fit %.2f-%.2f ps\n",
      D, err, kRahmanD, rahman_err, (D - kRahmanD) / combined, d.number(row, "temperature_K"),
      d.number(row, "fit_start_ps"), d.number(row, "fit_stop_ps"));
  EXPECT_EQ(d.text(row, "linear"), "1");
  EXPECT_LT(err, 0.02 * D);  // an error small enough for the comparison to mean something
  EXPECT_NEAR(D, kRahmanD, 2.0 * combined);
}

// The same liquid run by LAMMPS (tools/lammps/make_rahman_reference.py: 40 ps, frames every
// 0.2 ps), read from its gzipped dump by `mdgpu analyze msd` with no options at all: the defaults
// (5 blocks, the fit window from 0.5 a² to the max lag) give a D whose reported error reaches the
// published 2.43–2.45e-5 cm²/s (Rahman 1964; a modern LAMMPS replication).
TEST(RahmanArgon, LammpsDumpAnalysedWithDefaultOptions) {
  testing::TempDir dir;
  const testing::CliResult r =
      testing::run_mdgpu(dir.path(), std::string("analyze msd ") + MDGPU_TEST_DATA +
                                         "/lammps/rahman_argon.lammpstrj.gz");
  ASSERT_EQ(r.code, 0) << r.err;
  std::printf("%s\n", r.out.c_str());
  const testing::CsvTable d = testing::read_csv_table((dir / "msd_D.csv").string());
  const std::size_t row = d.find({{"group", "Ar"}, {"component", "total"}});
  const double D = d.number(row, "D_cm2_per_s"), err = d.number(row, "D_total_err_cm2_per_s");
  EXPECT_EQ(d.text(row, "linear"), "1");
  EXPECT_LT(err, 0.06 * D);  // small enough to mean something
  EXPECT_LE(D - err, 2.45e-5);
  EXPECT_GE(D + err, 2.43e-5);
  EXPECT_EQ(r.out.find("nan"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace mdgpu
