// NPT stages in the input file (io/kinds/npt_stage_kind.cpp): the barostat table in engine units, its
// defaults, ramps and per-component targets, and its mistakes. Bad input through the binary:
// tests/bad_inputs/npt-*.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/errors.hpp"
#include "io/config.hpp"

namespace mdgpu {
namespace {

namespace fs = std::filesystem;

class NptConfigTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("mdgpu_npt_config_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "s.extxyz") << "1\n\nAr 0 0 0\n";
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  // An NPT stage with `barostat` as its barostat table's body.
  static std::string input(const std::string& barostat) {
    return "[system]\nstructure = \"s.extxyz\"\n[potential]\nkind = \"lj\"\ncutoff = 4.9\n"
           "pairs = [ { species = [\"Ar\", \"Ar\"], epsilon = 0.0104, sigma = 3.40 } ]\n"
           "[[stage]]\nensemble = \"npt\"\ntemperature = 300\ntimestep_fs = 2\nsteps = 10\n"
           "barostat = { " + barostat + " }\n";
  }
  static BarostatSpec parse(const std::string& barostat) {
    const RunPlan plan = parse_run_plan(input(barostat), dir_ / "run.toml");
    const auto* npt = std::get_if<NptStage>(&plan.stages.at(0).kind);
    if (!npt) {
      ADD_FAILURE() << "ensemble = \"npt\" did not give an NptStage";
      return {};
    }
    return npt->barostat;
  }
  static std::string error_of(const std::string& barostat) {
    try {
      parse_run_plan(input(barostat), dir_ / "run.toml");
    } catch (const InputError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no InputError for barostat = { " << barostat << " }";
    return {};
  }
  static fs::path dir_;
};

fs::path NptConfigTest::dir_;

TEST_F(NptConfigTest, DefaultsAreIsoOnEveryAxisWithAThousandStepCellPeriod) {
  const BarostatSpec b = parse("pressure = 1.0");
  EXPECT_EQ(b.coupling, Coupling::Iso);
  EXPECT_EQ(b.axes, (std::array<bool, 3>{true, true, true}));
  EXPECT_DOUBLE_EQ(b.pdamp, 2.0);  // 1000 × 2 fs
  EXPECT_EQ(b.chain_length, 3);
  const std::array<double, 6> hydrostatic{1.0, 1.0, 1.0, 0.0, 0.0, 0.0};
  EXPECT_EQ(b.pressure.start, hydrostatic);
  EXPECT_EQ(b.pressure.stop, hydrostatic);
}

TEST_F(NptConfigTest, RampsAxesAndPerComponentTargets) {
  const BarostatSpec ramp = parse("coupling = \"aniso\", pressure = { start = 1.0, stop = [10, 20, 30] }, "
                                  "axes = \"xy\", pdamp_fs = 500, chain_length = 4");
  EXPECT_EQ(ramp.coupling, Coupling::Aniso);
  EXPECT_EQ(ramp.axes, (std::array<bool, 3>{true, true, false}));
  EXPECT_DOUBLE_EQ(ramp.pdamp, 0.5);
  EXPECT_EQ(ramp.chain_length, 4);
  EXPECT_DOUBLE_EQ(ramp.pressure.at(0, 0.5), 5.5);
  EXPECT_DOUBLE_EQ(ramp.pressure.at(2, 0.5), 15.5);
  const BarostatSpec tri = parse("coupling = \"tri\", pressure = [1, 2, 3, 4, 5, 6]");
  EXPECT_EQ(tri.pressure.stop, (std::array<double, 6>{1, 2, 3, 4, 5, 6}));
}

TEST_F(NptConfigTest, MistakesNameTheKey) {
  EXPECT_NE(error_of("pressure = 1.0, pdamp_ps = 0").find("stage[1].barostat.pdamp_ps: must be > 0"),
            std::string::npos);
  EXPECT_NE(error_of("pdamp_ps = 1.0").find("missing required key 'pressure'"), std::string::npos);
  EXPECT_NE(error_of("pressure = [1, 2, 3]").find("coupling = \"iso\" takes one pressure"),
            std::string::npos);
  EXPECT_NE(error_of("coupling = \"aniso\", pressure = [1, 2, 3, 4, 5, 6]").find("shear targets need"),
            std::string::npos);
  EXPECT_NE(error_of("pressure = 1.0, axes = \"xw\"").find("stage[1].barostat.axes"), std::string::npos);
  EXPECT_NE(error_of("pressure = 1.0, pdmap_ps = 1").find("did you mean 'pdamp_ps'?"), std::string::npos);
  EXPECT_NE(error_of("pressure = { start = 1.0 }").find("missing required key 'stop'"), std::string::npos);
}

TEST_F(NptConfigTest, CellRescalingTakesItsOwnKeys) {
  const BarostatSpec mtk = parse("pressure = 1.0");
  EXPECT_EQ(mtk.kind, BarostatKind::Mtk);
  const BarostatSpec b = parse("kind = \"c-rescale\", coupling = \"aniso\", pressure = [1, 2, 3], "
                               "tau_p_fs = 400, compressibility = 4.5e-5, seed = 9");
  EXPECT_EQ(b.kind, BarostatKind::CRescale);
  EXPECT_EQ(b.coupling, Coupling::Aniso);
  EXPECT_DOUBLE_EQ(b.tau_p, 0.4);
  EXPECT_DOUBLE_EQ(b.compressibility, 4.5e-5);
  EXPECT_EQ(b.seed, 9u);
  const BarostatSpec defaults = parse("kind = \"c-rescale\", pressure = 1.0, compressibility = 1e-4");
  EXPECT_DOUBLE_EQ(defaults.tau_p, 2.0);  // 1000 × 2 fs
  EXPECT_EQ(defaults.seed, 1u);
  EXPECT_NE(error_of("pressure = 1.0, compressibility = 1e-4").find("'compressibility' applies only to kind = \"c-rescale\""),
            std::string::npos);
  EXPECT_NE(error_of("kind = \"c-rescale\", pressure = 1.0, compressibility = 1e-4, chain_length = 2")
                .find("'chain_length' applies only to kind = \"mtk\""),
            std::string::npos);
  EXPECT_NE(error_of("kind = \"crescale\", pressure = 1.0").find("stage[1].barostat.kind"),
            std::string::npos);
}

}  // namespace
}  // namespace mdgpu
