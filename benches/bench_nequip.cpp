// Google Benchmark: one NequIP energy + forces + virial evaluation (the graph built by the
// engine's neighbor list beforehand, as nequip's CPU baseline excludes its graph construction)
// for the "small" and "paper" reference models on lipon124 and li_lipon1316, float32 and float64,
// on the host backend with all OpenMP threads. Models come from ../shared/reference/nequip
// (small_seed0.h5 also from tests/data); missing files are reported and skipped.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>

#include "tests/nequip_fixture.hpp"

namespace {

using namespace mdgpu;

struct Case {
  const char* model;      // reference file stem
  const char* structure;  // structure in that file
  bool float64;
};

void evaluate(benchmark::State& state, Case c) {
  std::string file = test::nequip_shared_reference(std::string(c.model) + ".h5");
  if (!std::filesystem::exists(file) && std::string(c.model) == "small_seed0") file = test::nequip_small_reference();
  const std::string model_file = test::exported_model(file);
  if (model_file.empty()) {
    state.SkipWithError(("no model: " + file).c_str());
    return;
  }
  const auto model = NequipModel::load(model_file);
  const test::H5File ref(file);
  const auto s = test::reference_structure(ref, c.structure);
  auto ev = make_nequip_evaluator(model, c.float64);
  test::evaluate(*ev, model.r_max, s);  // warm-up: allocations, caches
  for (auto _ : state) benchmark::DoNotOptimize(test::evaluate(*ev, model.r_max, s).energy);
  state.counters["atoms"] = s.n;
  state.counters["atom-steps/s"] = benchmark::Counter(s.n, benchmark::Counter::kIsIterationInvariantRate);
}

void register_all() {
  for (const char* model : {"small_seed0", "paper_seed0"})
    for (const char* structure : {"lipon124", "li_lipon1316"})
      for (bool f64 : {false, true})
        benchmark::RegisterBenchmark(
            (std::string("NequipEval/") + model + "/" + structure + (f64 ? "/float64" : "/float32")).c_str(),
            evaluate, Case{model, structure, f64})
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime()
            ->MinTime(2.0);
}

const int registered = (register_all(), 0);

}  // namespace
