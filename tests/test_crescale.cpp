// Stochastic cell rescaling (engine/barostat_crescale.hpp) on the argon of the NPT parity test
// (500 atoms, 100 K, from −1700 bar towards 500 bar): the same seed gives the same trajectory,
// another seed another one; the effective energy (thermo's conserved quantity) holds while the
// barostat's work and heat move the plain enthalpy by far more, and what it does move is
// integration error: it halves with the time step. Ensemble averages against MTK and the equation of state:
// tools/npt_vs_eos.py (docs/npt.md). Bitwise restarts: tests/test_restart.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "core/units.hpp"
#include "tests/lj_run.hpp"

namespace mdgpu {
namespace {

const std::string kArgon = std::string(MDGPU_TEST_DATA) + "/lammps/lj_ortho_initial.extxyz";

StageSpec crescale_stage(Coupling coupling, std::uint64_t seed, double dt, double duration) {
  NptStage npt;
  npt.temperature = {100.0, 100.0};
  npt.tdamp = 0.2;
  npt.barostat.kind = BarostatKind::CRescale;
  npt.barostat.coupling = coupling;
  const std::array<double, 6> target{500.0, 500.0, 500.0, 0.0, 0.0, 0.0};
  npt.barostat.pressure.start = target;
  npt.barostat.pressure.stop = target;
  npt.barostat.tau_p = 0.5;
  npt.barostat.compressibility = 1.2e-4;  // argon here (docs/npt.md)
  npt.barostat.seed = seed;
  return StageSpec{"npt", dt, std::llround(duration / dt), npt};
}

std::vector<ThermoSample> run(const StageSpec& stage) { return testing::run_argon_stage(kArgon, stage); }

// Largest |conserved − conserved at the start| (eV).
double largest_drift(const std::vector<ThermoSample>& samples) {
  double d = 0.0;
  for (const ThermoSample& s : samples) d = std::max(d, std::fabs(s.conserved - samples[0].conserved));
  return d;
}

TEST(CRescale, TheSeedFixesTheTrajectory) {
  const auto a = run(crescale_stage(Coupling::Iso, 7, 0.002, 0.1));
  const auto b = run(crescale_stage(Coupling::Iso, 7, 0.002, 0.1));
  const auto c = run(crescale_stage(Coupling::Iso, 8, 0.002, 0.1));
  ASSERT_EQ(a.size(), b.size());
  ASSERT_EQ(a.size(), c.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].volume, b[k].volume) << k;
    EXPECT_EQ(a[k].conserved, b[k].conserved) << k;
  }
  EXPECT_NE(a.back().volume, c.back().volume);
}

// From −1700 bar the volume shrinks by ~8 % in 0.4 ps. The effective energy takes an offset of
// order dt F² (the Gaussian steps' log-ratio, F = V (P − P0)) while the pressure is far from its
// target, a state function that stops growing once it is near (docs/npt.md: flat over 9 ps
// after); halving the time step halves it, as a first-order scheme's must.
TEST(CRescale, EffectiveEnergyHoldsToFirstOrderInTheTimeStep) {
  for (Coupling coupling : {Coupling::Iso, Coupling::Aniso}) {
    const auto coarse = run(crescale_stage(coupling, 3, 0.004, 0.4));
    const auto fine = run(crescale_stage(coupling, 3, 0.002, 0.4));
    // What the baths exchanged: the plain enthalpy KE + PE + P0 V moves by this much.
    double exchanged = 0.0;
    for (const ThermoSample& s : fine)
      exchanged = std::max(exchanged, std::fabs(s.total - fine[0].total +
                                                500.0 * (s.volume - fine[0].volume) / units::kEvPerA3ToBar));
    const double volume_change = fine.back().volume / fine.front().volume - 1.0;
    const double d_coarse = largest_drift(coarse), d_fine = largest_drift(fine);
    std::printf("%s: V %+.1f%% in 0.4 ps, enthalpy moved by up to %.3f eV; effective energy by "
                "up to %.2e eV (dt 4 fs), %.2e eV (dt 2 fs)\n",
                coupling == Coupling::Iso ? "iso" : "aniso", 100 * volume_change, exchanged,
                d_coarse, d_fine);
    EXPECT_LT(volume_change, -0.05);  // the cell did go from −1700 bar towards 500 bar
    EXPECT_LT(d_fine, 0.05 * exchanged);
    EXPECT_GT(d_fine, 0.35 * d_coarse);
    EXPECT_LT(d_fine, 0.65 * d_coarse);
  }
}

}  // namespace
}  // namespace mdgpu
