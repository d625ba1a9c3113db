// The LJ benchmark of issue 12, in-process: fcc argon, 20³ cells = 32,000 atoms at ρσ³ = 0.8442
// (σ = 3.40 Å, ε = 0.0104 eV), plain LJ cut at 2.5σ = 8.5 Å, 1 Å skin, Maxwell–Boltzmann
// velocities at T* = 1.44 (173.8 K), 500 velocity-Verlet NVE steps of 2 fs. LAMMPS runs the same
// system with benches/lj32k/in.lj32k and `mdgpu run` with benches/lj32k/lj32k.toml; figures side by
// side in benches/RESULTS.md. One iteration is the whole 500-step run, neighbor rebuilds included,
// from a fresh copy of the atoms (setup — upload, first neighbor build and force evaluation — is
// not timed). Argument: CPU threads.
#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>

#include "engine/atoms.hpp"
#include "engine/forces.hpp"
#include "engine/integrators.hpp"
#include "engine/velocities.hpp"
#include "kernels/backend.hpp"
#include "model/pair_potential.hpp"
#include "tests/md_fixture.hpp"

namespace {

using namespace mdgpu;

constexpr int kCells = 20;
constexpr double kSigma = 3.40;        // Å
constexpr double kTemperature = 173.8;  // K, T* = 1.44 with ε = 0.0104 eV
constexpr int kSteps = 500;
constexpr int kThermoEvery = 100;  // energy and virial only on these steps, as both programs' thermo

const System& lj32k() {
  static const System system = [] {
    // ρσ³ = 0.8442 fixes the fcc lattice constant a = σ (4 / 0.8442)^(1/3); argon_fcc takes the
    // mass density of that lattice.
    const double a = kSigma * std::cbrt(4.0 / 0.8442) * 1e-8;  // cm
    const double density = 4.0 * (39.95 / 6.02214076e23) / (a * a * a);
    System s = testing::argon_fcc(kCells, density, /*rattle=*/0.0);
    maxwell_boltzmann(s, kTemperature, /*seed=*/87287, 3 * static_cast<int>(s.size()) - 3);
    return s;
  }();
  return system;
}

LennardJonesSpec plain_lj() {
  LennardJonesSpec p = testing::argon_lj(2.5 * kSigma);
  p.shift = false;  // LAMMPS's lj/cut
  p.newton = true;  // each pair once, as LAMMPS's default `newton on`
  return p;
}

void BM_LJ32kNve500(benchmark::State& state) {
  auto backend = make_backend("cpu", static_cast<int>(state.range(0)));
  const System& system = lj32k();
  PairPotential potential(plain_lj(), system, *backend);
  const StageSpec stage = testing::nve_stage(0.002, kSteps);
  const int dof = degrees_of_freedom(stage, static_cast<int>(system.size()));
  std::int64_t builds = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Atoms atoms(backend->space(), system);
    ForceComputer forces(*backend, potential, /*skin=*/1.0);
    auto integrator = make_integrator(stage);
    Box box = system.box;  // the run's current cell, which a barostat's step may change
    forces.compute(atoms.view(), box);  // as Simulation::run does before the first step
    state.ResumeTiming();
    for (std::uint64_t step = 0; step < kSteps; ++step) {
      const bool tally = (step + 1) % kThermoEvery == 0;
      StepContext ctx{*backend, atoms, forces, box, dof, 0.0, step, tally};
      integrator->step(ctx);
    }
    builds = forces.neighbors().builds() - 1;
  }
  state.counters["atoms"] = static_cast<double>(system.size());
  state.counters["rebuilds"] = static_cast<double>(builds);
  state.SetLabel(backend->describe());
}

BENCHMARK(BM_LJ32kNve500)->ArgName("threads")->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
