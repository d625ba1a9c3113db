// The [analysis.*] tables of an input file and the key=value options of `mdgpu analyze`: values
// in engine units, defaults, and mistakes answered with file:line, key and a suggestion.
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "core/errors.hpp"
#include "io/config.hpp"
#include "tests/temp_dir.hpp"

namespace mdgpu {
namespace {

const std::string kRun = R"([system]
structure = "s.extxyz"
[potential]
kind = "lj"
cutoff = 8.5
pairs = [ { species = ["Ar", "Ar"], epsilon = 0.0104, sigma = 3.40 } ]
[[stage]]
name = "melt"
ensemble = "nve"
timestep_fs = 1
steps = 10
[[stage]]
name = "prod"
ensemble = "nve"
timestep_fs = 1
steps = 10
[output]
directory = "out"
)";

// The plan's analysis of type S, or nullptr when it asks for none.
template <class S>
const S* analysis(const RunPlan& plan) {
  for (const AnalysisSpec& a : plan.analyses)
    if (const S* s = std::get_if<S>(&a)) return s;
  return nullptr;
}

class AnalysisConfig : public ::testing::Test {
protected:
  AnalysisConfig() { dir_.write("s.extxyz", "1\n\nAr 0 0 0\n"); }
  RunPlan parse(const std::string& analysis) {
    return parse_run_plan(kRun + analysis, dir_ / "run.toml");
  }
  std::string error_of(const std::string& analysis) {
    try {
      parse(analysis);
    } catch (const InputError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no InputError for:\n" << analysis;
    return {};
  }
  testing::TempDir dir_;
};

#define EXPECT_CONTAINS(haystack, needle)                          \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) \
      << haystack << "\nexpected: " << needle

TEST_F(AnalysisConfig, EveryKeyInEngineUnits) {
  const RunPlan plan = parse(R"([analysis.msd]
every = 5
path = "diffusion/msd"
stages = ["prod"]
species = ["Li", "Na"]
max_lag_ps = 20.0
origin_every_ps = 0.5
blocks = 8
slabs = { axis = "c", edges_angstrom = [0.0, 17.5, 21.5, 36.5] }
remove_drift = true
framework = ["P", "O"]
nn_distance = 2.6
fit_start_ps = 3
temperature = 900
charges = { Li = 1, Na = 1.0 }
[analysis.rdf]
r_max = 8.0
bins = 160
[analysis.motifs]
p_o_cutoff = 1.9
p_n_cutoff = 2.1
[analysis.profile]
bins = 40
species = "Li"
cutoff = 3.0
)");
  ASSERT_TRUE(analysis<MsdSpec>(plan) && analysis<RdfSpec>(plan) && analysis<MotifSpec>(plan) &&
              analysis<ProfileSpec>(plan));
  const MsdSpec& m = *analysis<MsdSpec>(plan);
  EXPECT_EQ(m.common.every, 5);
  EXPECT_EQ(m.common.path, "out/diffusion/msd");
  EXPECT_EQ(m.common.stages, std::vector<std::string>{"prod"});
  EXPECT_EQ(m.species, (std::vector<std::string>{"Li", "Na"}));
  EXPECT_DOUBLE_EQ(*m.max_lag, 20.0);
  EXPECT_DOUBLE_EQ(*m.origin_every, 0.5);
  EXPECT_EQ(m.blocks, 8);
  ASSERT_TRUE(m.slabs);
  EXPECT_FALSE(m.slabs->fractional);
  EXPECT_EQ(m.slabs->edges, (std::vector<double>{0.0, 17.5, 21.5, 36.5}));
  EXPECT_TRUE(m.remove_drift);
  EXPECT_EQ(m.framework, (std::vector<std::string>{"P", "O"}));
  EXPECT_DOUBLE_EQ(*m.nn_distance, 2.6);
  EXPECT_DOUBLE_EQ(*m.fit_start, 3.0);
  EXPECT_DOUBLE_EQ(*m.temperature, 900.0);
  EXPECT_DOUBLE_EQ(m.charges.at("Na"), 1.0);
  EXPECT_CONTAINS(m.common.at("species"), "run.toml:23: analysis.msd.species");
  EXPECT_CONTAINS(m.common.at("stages"), "run.toml:22: analysis.msd.stages");
  EXPECT_DOUBLE_EQ(analysis<RdfSpec>(plan)->r_max, 8.0);
  EXPECT_EQ(analysis<RdfSpec>(plan)->bins, 160);
  EXPECT_DOUBLE_EQ(analysis<MotifSpec>(plan)->p_o_cutoff, 1.9);
  EXPECT_DOUBLE_EQ(analysis<MotifSpec>(plan)->p_n_cutoff, 2.1);
  EXPECT_EQ(analysis<ProfileSpec>(plan)->bins, 40);
  EXPECT_DOUBLE_EQ(analysis<ProfileSpec>(plan)->cutoff, 3.0);
}

TEST_F(AnalysisConfig, Defaults) {
  RunPlan plan = parse("");
  EXPECT_FALSE(analysis<MsdSpec>(plan) || analysis<RdfSpec>(plan) || analysis<MotifSpec>(plan) ||
               analysis<ProfileSpec>(plan));
  plan = parse("[analysis.msd]\n[analysis.rdf]\n[analysis.motifs]\n[analysis.profile]\n");
  const MsdSpec& m = *analysis<MsdSpec>(plan);
  EXPECT_EQ(m.common.every, 10);
  EXPECT_EQ(m.common.path, "out/msd");
  EXPECT_TRUE(m.common.stages.empty());
  EXPECT_TRUE(m.species.empty());
  EXPECT_FALSE(m.max_lag || m.origin_every || m.slabs || m.nn_distance || m.fit_start ||
               m.temperature);
  EXPECT_EQ(m.blocks, 5);
  EXPECT_FALSE(m.remove_drift);
  EXPECT_CONTAINS(m.common.at("species"), "run.toml:19: analysis.msd.species");  // the table's line
  EXPECT_EQ(analysis<RdfSpec>(plan)->common.every, 100);
  EXPECT_EQ(analysis<RdfSpec>(plan)->common.path, "out/rdf");
  EXPECT_DOUBLE_EQ(analysis<RdfSpec>(plan)->r_max, 10.0);
  EXPECT_EQ(analysis<RdfSpec>(plan)->bins, 200);
  EXPECT_DOUBLE_EQ(analysis<MotifSpec>(plan)->p_o_cutoff, 2.0);
  EXPECT_DOUBLE_EQ(analysis<MotifSpec>(plan)->p_n_cutoff, 2.0);
  EXPECT_EQ(analysis<ProfileSpec>(plan)->species, "Li");
  EXPECT_DOUBLE_EQ(analysis<ProfileSpec>(plan)->cutoff, 3.2);
  EXPECT_EQ(analysis<ProfileSpec>(plan)->bins, 50);
}

TEST_F(AnalysisConfig, MistakesNameTheLineAndKey) {
  EXPECT_CONTAINS(error_of("[analysis.msd]\nmax_lag_p = 10\n"),
                  "run.toml:20: analysis.msd.max_lag_p: unknown key 'max_lag_p' in [analysis.msd]; "
                  "did you mean 'max_lag_ps'?");
  EXPECT_CONTAINS(error_of("[analysis.rfd]\n"),
                  "unknown key 'rfd' in [analysis]; did you mean 'rdf'?");
  EXPECT_CONTAINS(error_of("[analysis.msd]\nspecies = [\"Li\", \"LI\"]\n"), "did you mean 'Li'?");
  EXPECT_CONTAINS(error_of("[analysis.msd]\nspecies = [\"Li\", \"Li\"]\n"), "'Li' is listed twice");
  EXPECT_CONTAINS(
      error_of("[analysis.msd]\nstages = [\"production\"]\n"),
      "run.toml:20: analysis.msd.stages: no stage is named 'production' (stages: melt, prod)");
  EXPECT_CONTAINS(error_of("[analysis.msd]\nmax_lag_ps = -1\n"), "max_lag_ps: must be > 0");
  EXPECT_CONTAINS(error_of("[analysis.msd]\nblocks = 1\n"), "blocks: must be >= 2");
  EXPECT_CONTAINS(error_of("[analysis.msd]\nframework = [\"P\"]\n"),
                  "'framework' applies only with remove_drift = true");
  EXPECT_CONTAINS(
      error_of(
          "[analysis.msd]\nslabs = { edges_angstrom = [0, 5], edges_fractional = [0, 0.5] }\n"),
      "give either edges_angstrom or edges_fractional, not both");
  EXPECT_CONTAINS(error_of("[analysis.msd]\nslabs = { axis = \"z\", edges_angstrom = [0, 5] }\n"),
                  "unknown axis 'z'");
  EXPECT_CONTAINS(error_of("[analysis.msd]\nslabs = { edges_angstom = [0, 5] }\n"),
                  "did you mean 'edges_angstrom'?");
  EXPECT_CONTAINS(error_of("[analysis.msd]\nslabs = { edges_angstrom = [0, \"5\"] }\n"),
                  "expected an array of finite numbers");
  EXPECT_CONTAINS(error_of("[analysis.msd]\ncharges = { Li = \"+1\" }\n"),
                  "analysis.msd.charges.Li: expected a number");
  EXPECT_CONTAINS(error_of("[analysis.rdf]\nbins = 0\n"), "bins: must be >= 1");
  EXPECT_CONTAINS(error_of("[analysis.profile]\nspecies = \"li\"\n"), "did you mean 'Li'?");
  EXPECT_CONTAINS(error_of("[analysis.msd]\n[analysis.rdf]\npath = \"msd\"\n"),
                  "'out/msd' is already written by analysis.msd.path");
}

TEST(AnalyzeOptions, SameKeysFromTheCommandLine) {
  const AnalysisSpec a = parse_analysis_options(
      "msd",
      {"species=Li", "max_lag_ps=5", "slabs={ edges_fractional = [0, 0.5, 1] }", "charges={Li=1}"});
  const MsdSpec* msd = std::get_if<MsdSpec>(&a);
  ASSERT_TRUE(msd);
  EXPECT_EQ(msd->species, std::vector<std::string>{"Li"});  // a bare word is a string
  EXPECT_DOUBLE_EQ(*msd->max_lag, 5.0);
  EXPECT_TRUE(msd->slabs->fractional);
  EXPECT_EQ(msd->common.every, 1);  // every frame
  EXPECT_EQ(msd->common.path, "msd");
  EXPECT_EQ(msd->common.at("species"), "mdgpu analyze msd: species");
  EXPECT_EQ(msd->common.at("blocks"), "mdgpu analyze msd: blocks");  // not given
  const auto error_of = [](const std::string& kind,
                           const std::vector<std::string>& options) -> std::string {
    try {
      parse_analysis_options(kind, options);
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(error_of("rdf", {"rmax=8"}),
            "mdgpu analyze rdf: rmax: unknown key 'rmax' in the options of "
            "'mdgpu analyze rdf'; did you mean 'r_max'?");
  EXPECT_CONTAINS(error_of("msd", {"stages=prod"}),
                  "'stages' applies only to the [analysis] tables of an input file");
  EXPECT_CONTAINS(error_of("msd", {"max_lag_ps"}), "expected key=value, got 'max_lag_ps'");
  const ArrheniusSpec arr = parse_arrhenius_options({"group=Li_slab2", "component=ab"});
  EXPECT_EQ(arr.group, "Li_slab2");
  EXPECT_EQ(arr.component, "ab");
  EXPECT_DOUBLE_EQ(arr.extrapolate_to, 300.0);
  EXPECT_THROW(parse_arrhenius_options({"component=xy"}), InputError);
}

}  // namespace
}  // namespace mdgpu
