// mdgpu's MSD and RDF of the frames LAMMPS wrote against LAMMPS's own `compute msd` and
// `compute rdf` of the same frames (liquid LJ argon, 400 atoms, triclinic cell; reference data and
// the script that makes it: tools/lammps/make_analysis_reference.py, README there). The frames
// carry LAMMPS's image flags; read again without them, the minimum image joins them the same way.
#include <cmath>
#include <cstdio>
#include <regex>

#include <gtest/gtest.h>

#include "analysis/msd.hpp"
#include "analysis/rdf.hpp"
#include "analysis/trajectory_samples.hpp"
#include "tests/csv.hpp"
#include "tests/temp_dir.hpp"

namespace mdgpu {
namespace {

const std::string kData = std::string(MDGPU_TEST_DATA) + "/lammps/";

// LAMMPS's compute msd: one time origin, the first frame, no drift correction.
MsdTable single_origin_msd(const std::filesystem::path& frames) {
  SampleOptions options;
  options.unwrap = true;
  TrajectorySamples samples(frames, options);
  MsdSetup setup;
  setup.species = {"Ar"};
  setup.group_of_type = {0};
  setup.framework_type = {false};
  setup.sample_interval = samples.stretch().sample_interval;
  setup.samples = samples.stretch().samples;
  setup.max_lag = static_cast<int>(setup.samples - 1);
  setup.origin_every = static_cast<int>(setup.samples);
  setup.blocks = 1;
  MsdAccumulator acc(setup);
  System s;
  ThermoSample t;
  while (samples.next(s, t)) acc.add_sample(s, t.temperature);
  EXPECT_TRUE(samples.warning().empty()) << samples.warning();
  return acc.total();
}

void expect_lammps_msd(const MsdTable& msd, const char* how) {
  const auto ref = testing::read_csv(kData + "lj_analysis_msd.csv");  // step, t, x, y, z, total
  ASSERT_EQ(static_cast<std::size_t>(msd.lags), ref.size());
  double worst = 0.0;
  for (std::size_t k = 1; k < ref.size(); ++k)
    for (int c : {kMsdX, kMsdY, kMsdZ, kMsdTotal}) {
      const double want = ref[k][2 + (c == kMsdTotal ? 3 : c)];
      const double got = msd.msd(static_cast<int>(k), 0, c);
      worst = std::max(worst, std::fabs(got - want) / want);
      EXPECT_NEAR(got, want, 1e-9 * want)
          << how << " lag " << k << " component " << kMsdComponentNames[c];
    }
  std::printf(
      "MSD (%s) vs LAMMPS compute msd, 20 lags x 4 components: max relative difference %.2e "
      "(MSD at 20 ps: %.3f Å²)\n",
      how, worst, ref.back()[5]);
}

TEST(LammpsAnalysisParity, MsdFromImageFlagsMatchesComputeMsd) {
  expect_lammps_msd(single_origin_msd(kData + "lj_analysis_frames.extxyz"), "image flags");
}

TEST(LammpsAnalysisParity, MsdFromMinimumImageJoinsMatchesComputeMsd) {
  testing::TempDir dir;
  std::string text = testing::slurp(kData + "lj_analysis_frames.extxyz");
  text = std::regex_replace(text, std::regex(":image:I:3"), "");
  text = std::regex_replace(
      text, std::regex("^(Ar \\S+ \\S+ \\S+) \\S+ \\S+ \\S+$", std::regex::multiline), "$1");
  const auto stripped = dir.write("wrapped.extxyz", text);
  ASSERT_EQ(text.find("image"), std::string::npos);
  expect_lammps_msd(single_origin_msd(stripped), "minimum image");
}

TEST(LammpsAnalysisParity, RdfAndCoordinationMatchComputeRdf) {
  const auto ref = testing::read_csv(kData + "lj_analysis_rdf.csv");  // r, g, coordination
  RdfAccumulator rdf(1, 8.5, 100);
  TrajectorySamples samples(kData + "lj_analysis_frames.extxyz", SampleOptions{});
  System s;
  ThermoSample t;
  while (samples.next(s, t)) rdf.add_frame(s);
  ASSERT_EQ(rdf.frames(), 21);
  ASSERT_EQ(ref.size(), 100u);
  double worst_g = 0.0, worst_n = 0.0;
  for (int k = 0; k < 100; ++k) {
    EXPECT_NEAR(rdf.r(k), ref[k][0], 1e-12);
    EXPECT_NEAR(rdf.g(0, k), ref[k][1], 1e-10 * (1.0 + ref[k][1])) << "bin " << k;
    EXPECT_NEAR(rdf.coordination(0, k, false), ref[k][2], 1e-10 * (1.0 + ref[k][2])) << "bin " << k;
    worst_g = std::max(worst_g, std::fabs(rdf.g(0, k) - ref[k][1]));
    worst_n = std::max(worst_n, std::fabs(rdf.coordination(0, k, false) - ref[k][2]));
  }
  std::printf(
      "RDF vs LAMMPS compute rdf, 100 bins to 8.5 Å, 21 frames: max |Δg| %.2e, max |Δn| %.2e "
      "(n(8.5 Å) = %.3f)\n",
      worst_g, worst_n, ref.back()[2]);
}

}  // namespace
}  // namespace mdgpu
