// The on-the-fly MSD against a direct computation from the stored true paths: every lag, group
// (species, species in a slab), component and block; slab crossings counted from the origin's
// slab; the framework's drift subtracted. Plus: a restart from a checkpoint continues exactly,
// and memory stays bounded however long the run.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/msd_analysis.hpp"
#include "core/hdf5_file.hpp"
#include "tests/random_walk.hpp"
#include "tests/temp_dir.hpp"

namespace mdgpu {
namespace {

using testing::RandomWalk;
using testing::WalkSpec;

WalkSpec drifting_triclinic_walk() {
  WalkSpec w;
  w.walkers = 24;
  w.framework = 6;
  w.D = 1.0;
  w.drift = Vec3{0.4, -0.3, 0.5};
  w.cell = Mat3{Vec3{7.0, 0.0, 0.0}, Vec3{1.5, 6.5, 0.0}, Vec3{-1.0, 1.0, 6.0}};
  w.seed = 99;
  return w;
}

// The accumulator's sums, recomputed with plain loops over the stored samples.
struct Oracle {
  std::vector<Vec3Array> path;               // unwrapped positions per sample
  std::vector<std::vector<int>> slab;        // slab of every atom per sample
  std::vector<std::array<double, 3>> drift;  // framework centre of mass per sample
};

TEST(MsdAccumulator, MatchesADirectComputationForEveryLagGroupComponentAndBlock) {
  const WalkSpec w = drifting_triclinic_walk();
  RandomWalk walk(w);
  const System& sys = walk.system();
  MsdSetup setup;
  setup.species = {"Li"};
  setup.group_of_type = {0, -1};  // Li diffuses, P does not
  setup.framework_type = {false, true};
  setup.remove_drift = true;
  setup.slabs.emplace(SlabSpec{{0.1, 0.4, 0.7, 0.95}, true}, sys.box, "test");
  setup.sample_interval = w.dt;
  setup.max_lag = 8;
  setup.origin_every = 3;
  setup.blocks = 3;
  setup.samples = 45;
  MsdAccumulator acc(setup);

  Oracle o;
  for (int k = 0; k < setup.samples; ++k) {
    if (k > 0) walk.step();
    acc.add_sample(sys, NAN);
    o.path.push_back(walk.unwrapped());
    std::vector<int> slabs;
    for (std::size_t i = 0; i < sys.size(); ++i) {
      const double r[3] = {sys.positions.x[i], sys.positions.y[i], sys.positions.z[i]};
      slabs.push_back(setup.slabs->of(sys.box.data(), r));
    }
    o.slab.push_back(slabs);
    std::array<double, 3> com{0, 0, 0};
    for (std::size_t i = w.walkers; i < sys.size(); ++i) {
      com[0] += walk.unwrapped().x[i] / w.framework;
      com[1] += walk.unwrapped().y[i] / w.framework;
      com[2] += walk.unwrapped().z[i] / w.framework;
    }
    o.drift.push_back(com);
  }

  const Mat3& h = sys.box.cell();
  const int groups = setup.groups();  // Li, Li_slab1..3
  ASSERT_EQ(groups, 4);
  MsdTable expect_total, expect_block[3];
  expect_total.resize(setup.max_lag + 1, groups);
  for (auto& b : expect_block) b.resize(setup.max_lag + 1, groups);
  for (int origin = 0; origin < setup.samples; origin += setup.origin_every)
    for (int lag = 0; lag <= setup.max_lag && origin + lag < setup.samples; ++lag) {
      const int end = origin + lag;
      const int block = origin * 3 / setup.samples;
      const bool same_block = end * 3 / setup.samples == block;
      for (int i = 0; i < w.walkers; ++i) {
        double d[3] = {o.path[end].x[i] - o.path[origin].x[i],
                       o.path[end].y[i] - o.path[origin].y[i],
                       o.path[end].z[i] - o.path[origin].z[i]};
        for (int k = 0; k < 3; ++k) d[k] -= o.drift[end][k] - o.drift[origin][k];
        double q[kMsdComponents];
        for (int k = 0; k < 3; ++k) {
          q[kMsdX + k] = d[k] * d[k];
          const double len = std::sqrt(h[k][0] * h[k][0] + h[k][1] * h[k][1] + h[k][2] * h[k][2]);
          const double p = (d[0] * h[k][0] + d[1] * h[k][1] + d[2] * h[k][2]) / len;
          q[kMsdA + k] = p * p;
        }
        q[kMsdTotal] = q[kMsdX] + q[kMsdY] + q[kMsdZ];
        q[kMsdAB] = q[kMsdTotal] - q[kMsdC];
        const int s0 = o.slab[origin][i];
        bool left = false;
        for (int k = origin; k <= end; ++k) left = left || o.slab[k][i] != s0;
        for (MsdTable* t : {&expect_total, same_block ? &expect_block[block] : nullptr}) {
          if (!t) continue;
          for (int g : {0, s0 < 0 ? -1 : 1 + s0}) {
            if (g < 0) continue;
            for (int c = 0; c < kMsdComponents; ++c)
              t->sum[t->at(lag, g) * kMsdComponents + c] += q[c];
            ++t->pairs[t->at(lag, g)];
            if (g > 0)
              t->left_ever[t->at(lag, g)] += left,
                  t->left_now[t->at(lag, g)] += o.slab[end][i] != s0;
          }
        }
      }
    }

  const auto compare = [](const MsdTable& got, const MsdTable& want, const char* what) {
    ASSERT_EQ(got.pairs, want.pairs) << what;
    EXPECT_EQ(got.left_ever, want.left_ever) << what;
    EXPECT_EQ(got.left_now, want.left_now) << what;
    for (std::size_t k = 0; k < want.sum.size(); ++k)
      EXPECT_NEAR(got.sum[k], want.sum[k], 1e-11 * (1.0 + want.sum[k])) << what << " entry " << k;
  };
  compare(acc.total(), expect_total, "total");
  for (int b = 0; b < 3; ++b) compare(acc.blocks()[b], expect_block[b], "block");
  // The walk must have exercised what is compared: slab changes and cross-block pairs.
  std::int64_t left = 0;
  for (std::int64_t n : expect_total.left_ever) left += n;
  EXPECT_GT(left, 50);
  EXPECT_LT(acc.blocks()[0].pairs[acc.blocks()[0].at(setup.max_lag, 0)],
            acc.total().pairs[acc.total().at(setup.max_lag, 0)]);
}

MsdSpec slab_spec() {
  MsdSpec m;
  m.species = {"Li"};
  m.max_lag = 0.3;
  m.blocks = 3;
  m.remove_drift = true;
  m.slabs = SlabSpec{{0.0, 2.0, 4.5, 6.0}, false};
  return m;
}

TEST(MsdAccumulator, RestartFromACheckpointContinuesExactly) {
  const WalkSpec w = drifting_triclinic_walk();
  const Stretch stretch{"walk", 150, w.dt};
  testing::TempDir dir;
  ThermoSample t;
  t.temperature = 300.0;

  RandomWalk straight_walk(w);
  MsdAnalysis straight(slab_spec(), straight_walk.system(), stretch);
  RandomWalk resumed_walk(w);
  MsdAnalysis first_half(slab_spec(), resumed_walk.system(), stretch);
  for (int k = 0; k < 70; ++k) {
    if (k > 0) straight_walk.step(), resumed_walk.step();
    straight.add(straight_walk.system(), t);
    first_half.add(resumed_walk.system(), t);
  }
  {
    h5::File ckpt((dir / "ckpt.h5").string(), h5::Mode::Create);
    first_half.save_state(ckpt, "/analysis_msd");
  }
  MsdAnalysis second_half(slab_spec(), resumed_walk.system(), stretch);
  second_half.restore_state(h5::File((dir / "ckpt.h5").string(), h5::Mode::Read), "/analysis_msd");
  for (int k = 70; k < 150; ++k) {
    straight_walk.step(), resumed_walk.step();
    straight.add(straight_walk.system(), t);
    second_half.add(resumed_walk.system(), t);
  }
  straight.write(dir / "straight");
  second_half.write(dir / "resumed");
  EXPECT_EQ(testing::slurp(dir / "straight.csv"), testing::slurp(dir / "resumed.csv"));
  EXPECT_EQ(testing::slurp(dir / "straight_D.csv"), testing::slurp(dir / "resumed_D.csv"));
  EXPECT_GT(testing::slurp(dir / "resumed.csv").size(), 1000u);
}

TEST(MsdAccumulator, MemoryIsBoundedByTheLagsNotTheRunLength) {
  const WalkSpec w = drifting_triclinic_walk();
  RandomWalk walk(w);
  MsdAnalysis msd(slab_spec(), walk.system(), Stretch{"walk", 100000, w.dt});
  ThermoSample t;
  std::size_t after_one_lag = 0;
  for (int k = 0; k < 3000; ++k) {
    if (k > 0) walk.step();
    msd.add(walk.system(), t);
    if (k == 40) after_one_lag = msd.accumulator().memory_bytes();
  }
  EXPECT_EQ(msd.accumulator().memory_bytes(), after_one_lag);
}

}  // namespace
}  // namespace mdgpu
