// Integrators on a Lennard-Jones argon liquid: NVE energy conservation; Nosé–Hoover chain and
// Langevin sample the canonical ensemble (mean temperature and kinetic-energy fluctuations);
// Langevin is reproducible from its seed; a temperature ramp ends at its stop value.
#include <cmath>
#include <memory>

#include "engine/simulation.hpp"
#include "engine/velocities.hpp"
#include "model/pair_potential.hpp"
#include "tests/backends.hpp"
#include "tests/md_fixture.hpp"

namespace mdgpu {
namespace {

using testing::argon_fcc;
using testing::argon_lj;
using testing::block_average;

std::vector<ThermoSample> run(Backend& backend, const std::vector<StageSpec>& stages, System s,
                              double t0, std::int64_t every = 1) {
  RunPlan plan;
  plan.potential = argon_lj();
  plan.neighbor_skin = 1.0;
  plan.stages = stages;
  maxwell_boltzmann(s, t0, 42, degrees_of_freedom(stages.front(), int(s.size())));
  PairPotential pot(argon_lj(), s, backend);
  Simulation sim(plan, std::move(s), backend, pot);
  std::vector<ThermoSample> samples;
  sim.add_observer(std::make_unique<testing::Recorder>(samples, every));
  sim.run();
  return samples;
}

class IntegratorTest : public ::testing::TestWithParam<std::string> {};

// Velocity Verlet conserves energy: drift over 40 ps of liquid argon (2 fs steps) stays tiny.
TEST_P(IntegratorTest, NveConservesEnergy) {
  MDGPU_BACKEND_OR_SKIP(backend, GetParam());
  const System s = argon_fcc(4);  // 256 atoms
  const auto samples = run(*backend, {testing::nve_stage(0.002, 20000)}, s, 180.0, 100);
  // Linear fit of E(t): the drift rate, per atom.
  double st = 0, se = 0, stt = 0, ste = 0, n = samples.size();
  for (const auto& x : samples) st += x.time, se += x.total, stt += x.time * x.time, ste += x.time * x.total;
  const double slope = (n * ste - st * se) / (n * stt - st * st);
  const double drift = slope / s.size();  // eV/atom/ps
  double max_dev = 0;
  for (const auto& x : samples) max_dev = std::max(max_dev, std::fabs(x.total - samples[0].total));
  std::printf("NVE drift: %.3e eV/atom/ps over %.0f ps; max |E - E0| = %.3e eV/atom; mean T = %.1f K\n",
              drift, samples.back().time, max_dev / s.size(), samples.back().temperature);
  EXPECT_LT(std::fabs(drift), 1e-6);
  EXPECT_LT(max_dev / s.size(), 2e-4);  // fluctuation of a 2 fs Verlet shadow energy
  EXPECT_GT(samples.back().temperature, 30.0);  // it really is moving
}

void expect_canonical(const std::vector<ThermoSample>& samples, double target, int dof, const char* what) {
  std::vector<double> t, ke;
  for (std::size_t i = samples.size() / 5; i < samples.size(); ++i) {  // skip equilibration
    t.push_back(samples[i].temperature);
    ke.push_back(samples[i].kinetic);
  }
  const auto mean_t = block_average(t);
  // Canonical kinetic energy: var(KE) = (dof/2) (kT)², so std(T)/T = sqrt(2/dof).
  std::vector<double> dev2;
  for (double x : t) dev2.push_back((x - mean_t.mean) * (x - mean_t.mean));
  const auto var_t = block_average(dev2);
  const double expected_var = 2.0 / dof * target * target;
  std::printf("%s: <T> = %.2f ± %.2f K (target %.1f); var(T) = %.1f ± %.1f K² (canonical %.1f)\n",
              what, mean_t.mean, mean_t.error, target, var_t.mean, var_t.error, expected_var);
  EXPECT_NEAR(mean_t.mean, target, 4.0 * mean_t.error + 1e-9);
  EXPECT_NEAR(var_t.mean, expected_var, 4.0 * var_t.error);
}

TEST_P(IntegratorTest, NoseHooverChainSamplesTheCanonicalEnsemble) {
  MDGPU_BACKEND_OR_SKIP(backend, GetParam());
  const System s = argon_fcc(3);  // 108 atoms: large relative fluctuations
  const StageSpec stage = testing::nose_hoover_stage(120.0, 0.004, 50000);
  const auto samples = run(*backend, {stage}, s, 120.0, 5);
  expect_canonical(samples, 120.0, degrees_of_freedom(stage, int(s.size())), "Nosé–Hoover chain");
  // The extended energy is conserved.
  double max_dev = 0;
  for (const auto& x : samples) max_dev = std::max(max_dev, std::fabs(x.conserved - samples[0].conserved));
  EXPECT_LT(max_dev / s.size(), 1e-3);
}

TEST_P(IntegratorTest, LangevinSamplesTheCanonicalEnsemble) {
  MDGPU_BACKEND_OR_SKIP(backend, GetParam());
  const System s = argon_fcc(3);
  const StageSpec stage = testing::langevin_stage(120.0, 0.004, 50000);
  const auto samples = run(*backend, {stage}, s, 120.0, 5);
  expect_canonical(samples, 120.0, degrees_of_freedom(stage, int(s.size())), "Langevin BAOAB");
  double max_dev = 0;
  for (const auto& x : samples) max_dev = std::max(max_dev, std::fabs(x.conserved - samples[0].conserved));
  EXPECT_LT(max_dev / s.size(), 1e-3);  // KE + PE + exchanged heat
}

TEST_P(IntegratorTest, LangevinIsReproducibleAndMatchesTheHost) {
  MDGPU_BACKEND_OR_SKIP(backend, GetParam());
  auto host = make_backend("cpu");
  const System s = argon_fcc(2);
  StageSpec stage = testing::langevin_stage(300.0, 0.002, 300);
  const auto a = run(*backend, {stage}, s, 300.0);
  const auto b = run(*host, {stage}, s, 300.0);
  std::get<LangevinStage>(stage.kind).seed = 2;
  const auto c = run(*host, {stage}, s, 300.0);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_NEAR(a.back().total, b.back().total, 1e-9 * std::fabs(b.back().total));
  EXPECT_NE(b.back().total, c.back().total);  // the seed matters
}

TEST_P(IntegratorTest, TemperatureRampEndsAtItsStopValue) {
  MDGPU_BACKEND_OR_SKIP(backend, GetParam());
  StageSpec ramp = testing::nose_hoover_stage(0.0, 0.002, 2000);
  std::get<NoseHooverStage>(ramp.kind).temperature = {200.0, 50.0};
  const auto samples = run(*backend, {ramp}, argon_fcc(2), 200.0, 100);
  EXPECT_DOUBLE_EQ(samples.back().target, 50.0);
  EXPECT_DOUBLE_EQ(samples[10].target, 200.0 - 150.0 * 1000.0 / 2000.0);
  EXPECT_LT(samples.back().temperature, 110.0);  // followed the quench
}

INSTANTIATE_TEST_SUITE_P(Backends, IntegratorTest, ::testing::ValuesIn(testing::all_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mdgpu
