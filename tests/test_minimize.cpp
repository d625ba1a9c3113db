// Minimisation stages (engine/minimize.cpp, FIRE and L-BFGS): a disordered LJ fcc crystal relaxes until its
// largest force is below the tolerance, in fewer iterations than the limit, velocities untouched;
// a strained crystal relaxes its cell to the zero-pressure lattice constant that a scan of E(V)
// gives (its minimum, from a parabola through the scan's lowest points); a run stopped inside a
// minimisation continues bitwise.
#include <cmath>
#include <cstdio>
#include <random>
#include <utility>

#include <gtest/gtest.h>

#include "engine/simulation.hpp"
#include "model/pair_potential.hpp"
#include "tests/md_fixture.hpp"

namespace mdgpu {
namespace {

// A cubic fcc crystal of n³ conventional cells of argon with lattice constant `a`, each atom moved
// by up to `jitter` Å per axis.
System fcc_argon(int n, double a, double jitter) {
  System s;
  s.box = Box({Vec3{n * a, 0, 0}, Vec3{0, n * a, 0}, Vec3{0, 0, n * a}}, {true, true, true});
  const double basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-jitter, jitter);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k)
        for (const auto& b : basis)
          s.add_atom("Ar", (i + b[0]) * a + u(rng), (j + b[1]) * a + u(rng), (k + b[2]) * a + u(rng), "fcc");
  s.velocities.resize(s.size());
  s.has_velocities = true;
  return s;
}

StageSpec minimize_stage(std::int64_t steps, double force_tolerance, MinimizeMethod method) {
  MinimizeStage m;
  m.method = method;
  m.force_tolerance = force_tolerance;
  return StageSpec{"minimize", 0.0, steps, m};
}

struct Relaxed {
  std::vector<ThermoSample> samples;
  System system;
  double max_force = 0.0;
};

Relaxed relax(const System& start, const StageSpec& stage, double cutoff = 8.5) {
  auto backend = make_backend("cpu");
  RunPlan plan;
  const LennardJonesSpec lj = testing::argon_lj(cutoff);
  plan.potential = lj;
  plan.stages = {stage};
  PairPotential pot(lj, start, *backend);
  Simulation sim(plan, start, *backend, pot);
  Relaxed r;
  sim.add_observer(std::make_unique<testing::Recorder>(r.samples));
  sim.run();
  r.system = sim.system();
  Vec3Array f;
  sim.atoms().download_forces(f);
  for (std::size_t i = 0; i < f.size(); ++i)
    r.max_force = std::max(r.max_force, std::hypot(f.x[i], f.y[i], f.z[i]));
  return r;
}

const char* name(MinimizeMethod method) { return method == MinimizeMethod::Fire ? "FIRE" : "L-BFGS"; }

TEST(Minimize, FireAndLbfgsRelaxAnFccCrystalBelowTheForceTolerance) {
  for (MinimizeMethod method : {MinimizeMethod::Fire, MinimizeMethod::Lbfgs}) {
    System start = fcc_argon(3, 5.3, 0.15);
    start.velocities.x[0] = 1.5;  // the minimiser leaves velocities as they are
    const Relaxed r = relax(start, minimize_stage(2000, 1e-4, method));
    const std::int64_t iterations = static_cast<std::int64_t>(r.samples.size()) - 1;  // one sample each
    EXPECT_EQ(r.samples.back().step, 2000);  // a converged stage ends at its planned last step
    std::printf("%s: max force %.2e eV/Å after %lld iterations, PE %.8f -> %.8f eV\n", name(method),
                r.max_force, static_cast<long long>(iterations), r.samples.front().potential,
                r.samples.back().potential);
    EXPECT_LT(r.max_force, 1e-4);
    EXPECT_LT(iterations, 2000);
    EXPECT_LT(r.samples.back().potential, r.samples.front().potential);
    EXPECT_EQ(r.system.velocities.x[0], 1.5);
    EXPECT_EQ(r.samples.back().time, 0.0);
  }
}

// Potential energy per atom of the perfect crystal with lattice constant a.
double energy_per_atom(double a, double cutoff) {
  auto backend = make_backend("cpu");
  RunPlan plan;
  const LennardJonesSpec lj = testing::argon_lj(cutoff);
  plan.potential = lj;
  const System s = fcc_argon(3, a, 0.0);
  PairPotential pot(lj, s, *backend);
  Simulation sim(plan, s, *backend, pot);
  sim.force_computer().compute(const_cast<Atoms&>(sim.atoms()).view(), sim.box());
  return sim.forces().energy / static_cast<double>(s.size());
}

// The zero-pressure lattice constant of the E(a) scan: on a grid of 1e-3 Å, the parabola through
// the lowest point and its neighbours.
double scanned_lattice_constant(double cutoff) {
  double best = 0, best_e = INFINITY;
  for (double a = 5.20; a <= 5.40; a += 1e-3)
    if (const double e = energy_per_atom(a, cutoff); e < best_e) best = a, best_e = e;
  const double h = 1e-3, em = energy_per_atom(best - h, cutoff), ep = energy_per_atom(best + h, cutoff);
  return best + 0.5 * h * (em - ep) / (em - 2 * best_e + ep);
}

// FIRE with the 8.5 Å cut-off; L-BFGS with 9 Å, where no neighbour shell (a √(n/2)) crosses the
// cut-off between 1.03 a0 and a0. At 8.5 Å the fifth shell does (at a = 5.376 Å), the force
// jumps there (shifted energy, unshifted force), so the enthalpy's slope jumps too: a
// quasi-Newton step without line search, which reads curvature from slopes, oscillates across
// the kink (ASE's LBFGS stays on it for 5000 iterations; docs/npt.md).
TEST(Minimize, StrainedCrystalRelaxesToTheZeroPressureLatticeConstantOfAnEnergyScan) {
  const std::pair<MinimizeMethod, double> cases[] = {{MinimizeMethod::Fire, 8.5},
                                                     {MinimizeMethod::Lbfgs, 9.0}};
  for (const auto& [method, cutoff] : cases) {
    const double a0 = scanned_lattice_constant(cutoff);
    StageSpec stage = minimize_stage(5000, 1e-5, method);
    auto& minimize = std::get<MinimizeStage>(stage.kind);
    minimize.relax_cell = true;
    minimize.pressure_tolerance = 0.01;  // bar
    const Relaxed r = relax(fcc_argon(3, 1.03 * a0, 0.0), stage, cutoff);
    const double a = r.system.box.cell()[0][0] / 3;
    const auto iterations = static_cast<long long>(r.samples.size()) - 1;
    std::printf("E(V) scan, cut-off %.1f Å: a0 = %.6f Å; %s cell relaxation from %.4f Å: a = %.6f Å "
                "after %lld iterations\n",
                cutoff, a0, name(method), 1.03 * a0, a, iterations);
    EXPECT_LT(iterations, 5000);
    // The scan's parabola is good to ~(grid)³ / curvature ≈ 1e-6 Å; 0.01 bar is ~1e-6 Å of strain.
    EXPECT_NEAR(a, a0, 2e-5);
    EXPECT_NEAR(r.system.box.cell()[1][1], r.system.box.cell()[0][0], 1e-9);  // iso stays cubic
  }
}

}  // namespace
}  // namespace mdgpu
