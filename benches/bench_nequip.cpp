// Google Benchmark: one NequIP energy + forces + virial evaluation (the graph built by the
// engine's neighbor list beforehand, as nequip's CPU baseline excludes its graph construction)
// for the "small" and "paper" reference models and the shipped Nequix model (nequix-mp-1) on
// lipon124 and li_lipon1316, float32 and float64,
// on the host backend with all OpenMP threads, and on the CUDA backend (atoms, neighbor list and
// network on the device; registered only when a device is visible); and the evaluation of shuffled
// atoms in the list's spatial order against their own order (NequipOrder/). Models come from
// ../shared/reference/nequip (small_seed0.h5 also from tests/data); missing files are reported
// and skipped.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>

#include "engine/atoms.hpp"
#include "engine/neighbor_list.hpp"
#include "model/nequip_potential.hpp"
#include "tests/nequip_fixture.hpp"

namespace {

using namespace mdgpu;

struct Case {
  const char* model;      // reference file stem
  const char* structure;  // structure in that file
  bool float64;
  const char* backend;
};

std::string reference_file(const Case& c) {
  std::string file = test::nequip_shared_reference(std::string(c.model) + ".h5");
  if (!std::filesystem::exists(file) && std::string(c.model) == "small_seed0") file = test::nequip_small_reference();
  return file;
}

void report(benchmark::State& state, int atoms) {
  state.counters["atoms"] = atoms;
  state.counters["atom-steps/s"] = benchmark::Counter(atoms, benchmark::Counter::kIsIterationInvariantRate);
}

// The host evaluator on host arrays.
void evaluate_host(benchmark::State& state, const NequipModel& model, const test::H5File& ref, const Case& c) {
  const auto s = test::reference_structure(ref, c.structure);
  auto ev = make_nequip_evaluator(model, c.float64);
  test::evaluate(*ev, model.r_max, s);  // warm-up: allocations, caches
  for (auto _ : state) benchmark::DoNotOptimize(test::evaluate(*ev, model.r_max, s).energy);
  report(state, s.n);
}

// The potential on the backend's own atoms and neighbor list (device arrays on a GPU); compute()
// returns after the energy has come back, so each iteration is a finished evaluation. The graph
// is numbered in the list's spatial order (NeighborView::order), or, with `spatial` false, in the
// atoms' own order (as before that order existed), for comparison.
void evaluate_backend(benchmark::State& state, const std::string& model_file, const System& system, const Case& c,
                      bool spatial = true) {
  auto backend = make_backend(c.backend, 0);
  NequipPotential potential(model_file, c.float64 ? "float64" : "float32", system, *backend);
  Atoms atoms(backend->space(), system);
  AtomsView view = atoms.view();
  NeighborList list(*backend, potential.cutoff(), 0.0);
  list.update(view, system.box, true);
  NeighborView nl = list.view();
  if (!spatial) nl.order = nullptr;
  potential.compute(view, nl, system.box, nullptr);  // warm-up: allocations, caches
  for (auto _ : state) benchmark::DoNotOptimize(potential.compute(view, nl, system.box, nullptr).energy);
  report(state, static_cast<int>(system.size()));
}

// The structure's atoms shuffled, the graph in the list's order or in theirs.
void evaluate_shuffled(benchmark::State& state, const Case& c, bool spatial) {
  const std::string file = reference_file(c);
  const std::string model_file = test::exported_model(file);
  if (model_file.empty()) {
    state.SkipWithError(("no model: " + file).c_str());
    return;
  }
  const test::Structure given = test::reference_structure(test::H5File(file), c.structure);
  const test::Structure s = test::permuted(given, test::shuffled(given.n, 1));
  evaluate_backend(state, model_file, test::as_system(s, c.structure), c, spatial);
}

const std::string kNequix = "nequix-mp-1";

void evaluate(benchmark::State& state, Case c) {
  // The shipped Nequix model runs on the small reference file's structures.
  const bool nequix = c.model == kNequix;
  const std::string file = nequix ? test::nequip_small_reference() : reference_file(c);
  const std::string model_file = nequix ? std::string(MDGPU_SOURCE_DIR) + "/inputs/models/" + kNequix + "/" + kNequix +
                                              ".mdgpu.h5"
                                        : test::exported_model(file);
  if (model_file.empty()) {
    state.SkipWithError(("no model: " + file).c_str());
    return;
  }
  const test::H5File ref(file);
  if (std::string(c.backend) == "cpu" && !nequix) {  // the potential maps Nequix's species by name
    evaluate_host(state, NequipModel::load(model_file), ref, c);
  } else {
    evaluate_backend(state, model_file, test::reference_system(ref, c.structure), c);
  }
}

void register_all() {
  std::vector<const char*> backends = {"cpu"};
  if (cuda_available()) backends.push_back("cuda");
  for (const char* backend : backends)
    for (const char* model : {"small_seed0", "paper_seed0", kNequix.c_str()})
      for (const char* structure : {"lipon124", "li_lipon1316"})
        for (bool f64 : {false, true}) {
          const std::string name = std::string("NequipEval/") + model + "/" + structure + (f64 ? "/float64" : "/float32") +
                                   (std::string(backend) == "cpu" ? "" : std::string("/") + backend);
          benchmark::RegisterBenchmark(name.c_str(), evaluate, Case{model, structure, f64, backend})
              ->Unit(benchmark::kMillisecond)
              ->UseRealTime()
              ->MinTime(2.0);
        }
}

// Shuffled atoms, graph in the list's order or the atoms':
// NequipOrder/<model>/<structure>/<precision>/<order>[/cuda].
void register_orders() {
  std::vector<const char*> backends = {"cpu"};
  if (cuda_available()) backends.push_back("cuda");
  for (const char* backend : backends)
    for (const char* model : {"small_seed0", "paper_seed0"})
      for (const char* structure : {"lipon124", "li_lipon1316"})
        for (bool f64 : {false, true})
          for (bool spatial : {true, false}) {
            const std::string name = std::string("NequipOrder/") + model + "/" + structure +
                                     (f64 ? "/float64" : "/float32") + (spatial ? "/list" : "/shuffled") +
                                     (std::string(backend) == "cpu" ? "" : std::string("/") + backend);
            benchmark::RegisterBenchmark(name.c_str(), evaluate_shuffled, Case{model, structure, f64, backend}, spatial)
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime()
                ->MinTime(2.0);
          }
}

const int registered = (register_all(), register_orders(), 0);

}  // namespace
