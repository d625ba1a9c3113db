// The density report of NPT stages and cell relaxations (engine/cell_report.hpp): the mean density
// of a stage is the total mass over the mean of its samples' volumes, computed here directly; a
// report saved to a checkpoint and restored mid-stage says the same as one that never stopped.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>

#include "core/hdf5_file.hpp"
#include "core/units.hpp"
#include "engine/cell_report.hpp"
#include "temp_dir.hpp"

namespace mdgpu {
namespace {

std::vector<StageSpec> stages() {
  MinimizeStage relax;
  relax.relax_cell = true;
  relax.force_tolerance = 1e-3;
  NptStage npt;
  npt.temperature = {300, 300};
  return {StageSpec{"relax", 0.0, 100, relax}, StageSpec{"hold", 0.001, 50, NveStage{}},
          StageSpec{"npt", 0.001, 60, npt}};
}

System two_atoms() {
  System s;
  s.add_atom("Li", 0, 0, 0, "t");
  s.add_atom("P", 1, 1, 1, "t");
  return s;
}

// Volumes sampled in each stage, in the order the run meets them.
const std::vector<std::pair<std::string, double>> kSamples = {
    {"relax", 1000.0}, {"relax", 990.0}, {"relax", 985.5}, {"hold", 985.5},
    {"hold", 985.5},   {"npt", 1001.0},  {"npt", 1003.0},  {"npt", 998.0}, {"npt", 1010.0}};

void feed(CellReport& report, std::size_t from, std::size_t to) {
  const System system = two_atoms();
  for (std::size_t k = from; k < to; ++k) {
    ThermoSample t;
    t.stage = kSamples[k].first;
    t.step = static_cast<std::int64_t>(k) * 10;
    t.volume = kSamples[k].second;
    report.observe(Snapshot(t, [&]() -> const System& { return system; }, nullptr, nullptr));
  }
}

TEST(CellReport, StatesTheRelaxedAndTheMeanDensityOfEachStageThatMovesTheCell) {
  ASSERT_TRUE(CellReport::wanted(stages()));
  ASSERT_FALSE(CellReport::wanted({StageSpec{"hold", 0.001, 50, NveStage{}}}));
  std::vector<std::string> lines;
  CellReport report(stages(), two_atoms(), 10, [&](const std::string& l) { lines.push_back(l); });
  feed(report, 0, kSamples.size());
  report.finish();
  ASSERT_EQ(lines.size(), 2u);
  const double mass = two_atoms().mass(0) + two_atoms().mass(1);
  const auto density = [&](double v) { return mass / v * units::kAmuPerA3ToGPerCm3; };
  EXPECT_NE(lines[0].find(fmt::format("stage 'relax' (cell relaxation): density {:.4f} g/cm³",
                                      density(985.5))),
            std::string::npos)
      << lines[0];
  const double mean = (1001.0 + 1003.0 + 998.0 + 1010.0) / 4;
  EXPECT_NE(lines[1].find(fmt::format("stage 'npt' (NPT): mean density {:.4f} g/cm³, volume {:.6g}",
                                      density(mean), mean)),
            std::string::npos)
      << lines[1];
  EXPECT_NE(lines[1].find("of the 4 samples"), std::string::npos) << lines[1];
}

TEST(CellReport, ARestartMidStageReportsTheWholeStage) {
  std::vector<std::string> whole, split;
  CellReport once(stages(), two_atoms(), 10, [&](const std::string& l) { whole.push_back(l); });
  feed(once, 0, kSamples.size());
  once.finish();

  testing::TempDir dir;
  const std::string ckpt = (dir.path() / "ckpt.h5").string();
  {
    CellReport before(stages(), two_atoms(), 10, [&](const std::string& l) { split.push_back(l); });
    feed(before, 0, 7);  // stops inside the NPT stage
    h5::File f(ckpt, h5::Mode::Create);
    before.save_state(f, "/cell_report");
  }
  CellReport after(stages(), two_atoms(), 10, [&](const std::string& l) { split.push_back(l); });
  after.restore_state(h5::File(ckpt, h5::Mode::Read), "/cell_report");
  feed(after, 7, kSamples.size());
  after.finish();
  EXPECT_EQ(split, whole);
}

}  // namespace
}  // namespace mdgpu
