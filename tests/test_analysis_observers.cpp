// The analyses as observers of a run: one result per analysed stage, from the samples that belong
// to it, written when its last sample is in; and a run restarted from a checkpoint continues its
// MSD to exactly the same results.
#include <gtest/gtest.h>

#include "analysis/observers.hpp"
#include "core/hdf5_file.hpp"
#include "tests/random_walk.hpp"
#include "tests/temp_dir.hpp"

namespace mdgpu {
namespace {

StageSpec stage(const char* name, std::int64_t steps, double dt) {
  StageSpec s;
  s.name = name;
  s.steps = steps;
  s.timestep = dt;
  return s;
}

// Feeds steps [from, to) of `plan` to the observers as Simulation does: a step is shown to the
// observers it is due for, labelled with its stage (step 0 with the first).
void feed(const RunPlan& plan, std::vector<std::unique_ptr<Observer>>& observers,
          testing::RandomWalk& walk, std::int64_t from, std::int64_t to) {
  const Vec3Array none;
  const std::vector<double> no_energies;
  for (std::int64_t step = from; step < to; ++step) {
    if (step > 0) walk.step();
    ThermoSample t;
    t.step = step;
    t.time = step * 0.01;
    t.temperature = 300.0;
    std::int64_t end = 0;
    for (const StageSpec& s : plan.stages) {
      end += s.steps;
      t.stage = s.name;
      if (step <= end) break;
    }
    const Snapshot snap(
        t, [&]() -> const System& { return walk.system(); }, [&]() -> const Vec3Array& { return none; },
        [&]() -> const std::vector<double>& { return no_energies; });
    for (auto& o : observers)
      if (step % o->every() == 0) o->observe(snap);
  }
}

TEST(AnalysisObservers, OneResultPerStageFromItsOwnSamples) {
  testing::TempDir dir;
  RunPlan plan;
  plan.stages = {stage("heat", 10, 0.01), stage("hold", 7, 0.01)};
  RdfSpec rdf;
  rdf.common.every = 2;
  rdf.common.path = (dir / "rdf").string();
  rdf.r_max = 3.0;
  plan.analyses = {rdf};
  testing::RandomWalk walk(testing::WalkSpec{});
  std::vector<std::string> log;
  auto observers =
      make_analysis_observers(plan, walk.system(), [&](const std::string& l) { log.push_back(l); });
  feed(plan, observers, walk, 0, 18);
  for (auto& o : observers) o->finish();
  // heat: steps 0, 2, ..., 10; hold: 12, 14, 16 (17, the run's last step, is off the grid).
  EXPECT_EQ(h5::File((dir / "rdf_heat.h5").string(), h5::Mode::Read).attr_int("/", "frames"), 6);
  EXPECT_EQ(h5::File((dir / "rdf_hold.h5").string(), h5::Mode::Read).attr_int("/", "frames"), 3);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0], "RDF of heat: 6 frames, 1 species pairs, r up to 3 Å");
}

TEST(AnalysisObservers, ARestartedRunContinuesItsMsd) {
  testing::TempDir dir;
  RunPlan plan;
  plan.stages = {stage("equilibrate", 40, 0.01), stage("production", 400, 0.01)};
  MsdSpec msd;
  msd.common.every = 2;
  msd.common.stages = {"production"};
  msd.max_lag = 0.3;
  msd.slabs = SlabSpec{{0.0, 0.5, 1.0}, true};
  plan.analyses = {msd};
  const auto quiet = [](const std::string&) {};
  const testing::WalkSpec w;

  std::get<MsdSpec>(plan.analyses.front()).common.path = (dir / "straight").string();
  testing::RandomWalk straight_walk(w);
  auto straight = make_analysis_observers(plan, straight_walk.system(), quiet);
  feed(plan, straight, straight_walk, 0, 441);

  std::get<MsdSpec>(plan.analyses.front()).common.path = (dir / "restarted").string();
  testing::RandomWalk walk(w);
  auto before = make_analysis_observers(plan, walk.system(), quiet);
  feed(plan, before, walk, 0, 201);
  ASSERT_EQ(before.front()->checkpoint_key(), "analysis_msd");
  {
    h5::File ckpt((dir / "ckpt.h5").string(), h5::Mode::Create);
    before.front()->save_state(ckpt, "/analysis_msd");
  }
  auto after = make_analysis_observers(plan, walk.system(), quiet);
  after.front()->restore_state(h5::File((dir / "ckpt.h5").string(), h5::Mode::Read), "/analysis_msd");
  feed(plan, after, walk, 201, 441);

  for (const char* suffix : {"_production.csv", "_production_D.csv"})
    EXPECT_EQ(testing::slurp(dir / ("restarted" + std::string(suffix))),
              testing::slurp(dir / ("straight" + std::string(suffix))))
        << suffix;
  EXPECT_GT(testing::slurp(dir / "straight_production.csv").size(), 1000u);
  EXPECT_FALSE(std::filesystem::exists(dir / "straight_equilibrate.csv"));
}

}  // namespace
}  // namespace mdgpu
