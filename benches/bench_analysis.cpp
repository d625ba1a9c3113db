// Google Benchmark: the cost of one sample of the on-the-fly MSD observer, and the memory it holds,
// for ~10^4 and ~10^6 atoms (LJ argon fcc cells, every atom diffusing: the worst case). Each
// sample unwraps the positions (r + n·H) and adds the displacement from every live time origin
// to the per-lag, per-group sums of 8 components. See benches/RESULTS.md.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <map>

#include "analysis/msd.hpp"
#include "tests/md_fixture.hpp"

namespace {

using namespace mdgpu;

// fcc cells per edge -> atoms: 14 -> 10 976, 63 -> 1 000 188 (the MD-core benchmark's sizes).
const System& fcc_argon(int cells) {
  static std::map<int, System> cache;
  auto it = cache.find(cells);
  if (it == cache.end()) it = cache.emplace(cells, testing::argon_fcc(cells)).first;
  return it->second;
}

// Args: fcc cells, live time origins, slabs along c (0: none).
void BM_MsdSample(benchmark::State& state) {
  const System& system = fcc_argon(static_cast<int>(state.range(0)));
  const int origins = static_cast<int>(state.range(1)), slabs = static_cast<int>(state.range(2));
  MsdSetup setup;
  setup.species = {"Ar"};
  setup.group_of_type = {0};
  setup.framework_type = {false};
  if (slabs > 0) {
    SlabSpec spec{{}, true};
    for (int k = 0; k <= slabs; ++k) spec.edges.push_back(double(k) / slabs);
    setup.slabs.emplace(spec, system.box, "bench");
  }
  setup.sample_interval = 0.05;
  setup.max_lag = origins - 1;  // an origin every sample: `origins` live once the ring is full
  setup.origin_every = 1;
  setup.blocks = 5;
  setup.samples = 1 << 30;
  MsdAccumulator acc(setup);
  for (int k = 0; k < origins; ++k) acc.add_sample(system, NAN);  // fill the ring; not timed
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : state) acc.add_sample(system, NAN);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double n = static_cast<double>(system.size());
  state.counters["atoms"] = n;
  state.counters["origins"] = origins;
  state.counters["memory_MB"] = acc.memory_bytes() / 1e6;
  state.counters["bytes/atom"] = acc.memory_bytes() / n;
  state.counters["ns/atom/origin"] = seconds * 1e9 / (n * origins * double(state.iterations()));
}

BENCHMARK(BM_MsdSample)
    ->ArgNames({"cells", "origins", "slabs"})
    ->Args({14, 11, 0})
    ->Args({14, 21, 0})
    ->Args({14, 21, 3})
    ->Args({14, 41, 0})
    ->Args({63, 11, 0})
    ->Args({63, 21, 0})
    ->Args({63, 21, 3})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
