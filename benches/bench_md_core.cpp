// Google Benchmark suite for the MD core: neighbor-list build, force evaluation and one full
// velocity-Verlet NVE step of a Lennard-Jones argon liquid (1.374 g/cm³, cut-off 8.5 Å, skin
// 1.0 Å), from ~10^3 to ~10^6 atoms, on every backend that can run here.
//
// Each benchmark is registered once per backend: "cpu" always, "cuda" only when
// cuda_available() says a device can be used (otherwise nothing is registered for it and the
// reason is printed once). Setup — building the System, uploading it, the first neighbor build
// and force evaluation — happens before the timed loop. See benches/RESULTS.md for what each
// benchmark includes and excludes.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/atoms.hpp"
#include "engine/forces.hpp"
#include "engine/integrators.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/velocities.hpp"
#include "kernels/backend.hpp"
#include "model/pair_potential.hpp"
#include "tests/md_fixture.hpp"

namespace {

using namespace mdgpu;

constexpr double kDensity = 1.374;     // g/cm³, liquid argon
constexpr double kCutoff = 8.5;        // Å
constexpr double kSkin = 1.0;          // Å
constexpr double kTimestep = 0.002;    // ps (2 fs)
constexpr double kTemperature = 94.4;  // K, initial Maxwell–Boltzmann velocities (Rahman's argon)

// fcc cells per edge -> 4 cells³ atoms: 864, 10976, 97556, 1000188.
const std::vector<int> kCells = {6, 14, 29, 63};

// One backend per name for the whole process (the CPU one sets the OpenMP thread count).
Backend& backend_named(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Backend>> backends;
  auto& b = backends[name];
  if (!b) b = make_backend(name, 0);
  return *b;
}

// The host-side systems are built once per size and reused (building 10^6 atoms takes a while).
const System& argon_system(int cells) {
  static std::map<int, System> systems;
  auto it = systems.find(cells);
  if (it == systems.end()) {
    System s = testing::argon_fcc(cells, kDensity);
    const int n = static_cast<int>(s.size());
    maxwell_boltzmann(s, kTemperature, /*seed=*/1, 3 * n - 3);
    it = systems.emplace(cells, std::move(s)).first;
  }
  return it->second;
}

// A cheap blocking call: returns only after the backend's queued work is done (CUDA kernels are
// asynchronous; the reduction copies its result to the host). A no-op in cost on the CPU.
void sync(Backend& backend, const AtomsView& a) { benchmark::DoNotOptimize(backend.sum(a.x, 1)); }

void common_counters(benchmark::State& state, Backend& backend, int n, std::int64_t pairs) {
  state.counters["atoms"] = n;
  state.counters["pairs/atom"] = n > 0 ? double(pairs) / n : 0.0;  // full list: i-j and j-i
  state.SetLabel(backend.describe());
}

// 1. Forced neighbor-list rebuild: wrap, bin, sort, count, scan, fill (NeighborList::update
//    with force = true). Positions do not change between iterations.
void BM_NeighborBuild(benchmark::State& state, std::string backend_name) {
  Backend& backend = backend_named(backend_name);
  const System& system = argon_system(static_cast<int>(state.range(0)));
  Atoms atoms(backend.space(), system);
  NeighborList list(backend, kCutoff, kSkin);
  AtomsView view = atoms.view();
  list.update(view, system.box, true);  // first build allocates; not timed
  sync(backend, view);
  for (auto _ : state) {
    list.update(view, system.box, true);
    sync(backend, view);
  }
  const int n = atoms.size();
  common_counters(state, backend, n, list.num_pairs());
  state.SetItemsProcessed(state.iterations() * n);  // items/s = atoms/s
  state.counters["pairs/s"] = benchmark::Counter(double(list.num_pairs()) * state.iterations(),
                                                 benchmark::Counter::kIsRate);
}

// 2. Force evaluation alone: PairPotential::compute (LJ forces, total energy and virial, with
//    per-atom energies as ForceComputer asks for) on a fixed neighbor list.
void BM_Forces(benchmark::State& state, std::string backend_name) {
  Backend& backend = backend_named(backend_name);
  const System& system = argon_system(static_cast<int>(state.range(0)));
  Atoms atoms(backend.space(), system);
  NeighborList list(backend, kCutoff, kSkin);
  PairPotential potential(testing::argon_lj(kCutoff), system, backend);
  Buffer<double> per_atom_energy(backend.space(), system.size());
  AtomsView view = atoms.view();
  list.update(view, system.box, true);
  double energy = potential.compute(view, list.view(), system.box, per_atom_energy.data()).energy;
  for (auto _ : state) {
    ForceResult r = potential.compute(view, list.view(), system.box, per_atom_energy.data());
    benchmark::DoNotOptimize(r);
    sync(backend, view);
  }
  const int n = atoms.size();
  common_counters(state, backend, n, list.num_pairs());
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["pairs/s"] = benchmark::Counter(double(list.num_pairs()) * state.iterations(),
                                                 benchmark::Counter::kIsRate);
  state.counters["E/atom_eV"] = energy / n;
}

// 3. One MD step as Simulation takes it: the velocity-Verlet NVE integrator's step() — half
//    kick, drift, ForceComputer::compute (skin check, neighbor rebuild when some atom moved more
//    than skin/2, LJ forces + energy + virial), half kick. Each iteration is one step; rebuilds
//    happen when the dynamics asks for them, so their cost is amortised as in a real run
//    (rebuilds/step reports how often). Excludes observers (thermo/trajectory output).
void BM_MDStep(benchmark::State& state, std::string backend_name) {
  Backend& backend = backend_named(backend_name);
  const System& system = argon_system(static_cast<int>(state.range(0)));
  Atoms atoms(backend.space(), system);
  PairPotential potential(testing::argon_lj(kCutoff), system, backend);
  ForceComputer forces(backend, potential, kSkin);
  const StageSpec stage = testing::nve_stage(kTimestep, 1 << 30);
  auto integrator = make_integrator(stage);
  const int n = atoms.size();
  const int dof = degrees_of_freedom(stage, n);
  Box box = system.box;  // the run's current cell, which a barostat's step may change
  forces.compute(atoms.view(), box);  // as Simulation::run does before the first step
  const std::int64_t builds0 = forces.neighbors().builds();
  std::uint64_t step = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : state) {
    StepContext ctx{backend, atoms, forces, box, dof, 0.0, step++};
    integrator->step(ctx);
    sync(backend, atoms.view());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::int64_t rebuilds = forces.neighbors().builds() - builds0;
  common_counters(state, backend, n, forces.neighbors().num_pairs());
  state.counters["atom_steps/s"] =
      benchmark::Counter(double(n) * state.iterations(), benchmark::Counter::kIsRate);
  // ns of simulated time per day of wall time (steps/s × 2 fs); a plain value, not a kIsRate
  // counter, so the console does not append "/s".
  state.counters["ns/day"] =
      seconds > 0 ? double(state.iterations()) * kTimestep * 1e-3 * 86400.0 / seconds : 0.0;
  state.counters["rebuilds/step"] =
      state.iterations() > 0 ? double(rebuilds) / state.iterations() : 0.0;
}

// Iteration policy per size: small systems run for a minimum time; the big ones for a fixed
// number of iterations so the whole suite stays within a few minutes on a small CPU. The step
// benchmark runs enough steps to include several neighbor rebuilds at every size.
void register_all() {
  std::vector<std::string> names = {"cpu"};
  std::string why;
  if (cuda_available(&why))
    names.push_back("cuda");
  else
    std::fprintf(stderr, "mdgpu_bench: CUDA backend not benchmarked: %s\n", why.c_str());

  for (const std::string& name : names) {
    for (int cells : kCells) {
      const bool huge = cells >= 60, big = cells >= 25;
      auto* nb = benchmark::RegisterBenchmark(("NeighborBuild/" + name).c_str(), BM_NeighborBuild,
                                              name);
      nb->Arg(cells)->ArgName("cells")->Unit(benchmark::kMillisecond)->UseRealTime();
      if (huge) nb->Iterations(3);
      else if (big) nb->MinTime(2.0);

      auto* fb = benchmark::RegisterBenchmark(("Forces/" + name).c_str(), BM_Forces, name);
      fb->Arg(cells)->ArgName("cells")->Unit(benchmark::kMillisecond)->UseRealTime();
      if (huge) fb->Iterations(5);
      else if (big) fb->MinTime(2.0);

      auto* sb = benchmark::RegisterBenchmark(("MDStep/" + name).c_str(), BM_MDStep, name);
      sb->Arg(cells)->ArgName("cells")->Unit(benchmark::kMillisecond)->UseRealTime();
      // Enough steps to cover several neighbor rebuilds at every size.
      if (huge) sb->Iterations(name == "cpu" ? 100 : 1000);
      else if (big) sb->Iterations(name == "cpu" ? 200 : 2000);
      else sb->MinTime(2.0);
    }
  }
}

const int registered = (register_all(), 0);

}  // namespace
