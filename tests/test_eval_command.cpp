// `mdgpu eval` end to end: frames labelled with the real nequip's own energies, forces and stress
// must come back with (numerically) zero errors, the output must carry predictions and labels in
// ASE's conventions, and bad input must exit with 2 and one line.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>

#include "io/extxyz.hpp"
#include "committee_fixture.hpp"
#include "nequip_fixture.hpp"
#include "temp_dir.hpp"

namespace mdgpu {
namespace {

namespace fs = std::filesystem;

struct Result {
  int code;
  std::string out, err;
};

Result run_mdgpu(const fs::path& dir, const std::string& args) {
  const std::string cmd = "cd '" + dir.string() + "' && '" + MDGPU_BINARY + "' " + args + " > out.txt 2> err.txt";
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, testing::slurp(dir / "out.txt"), testing::slurp(dir / "err.txt")};
}

// The reference structures as one extxyz file, labelled with nequip's float64 results.
void write_labelled_frames(const fs::path& path, const std::vector<std::string>& names) {
  const test::H5File f(test::nequip_small_reference());
  ExtxyzWriter writer(path, ExtxyzWriter::Mode::Truncate);
  for (const auto& name : names) {
    const auto s = test::reference_structure(f, name);
    const auto symbols = f.read("/structures/" + name + "/atom_types").data;
    const std::vector<std::string> type_names = {"Li", "N", "O", "P"};
    System system;
    system.box = s.box;
    for (int i = 0; i < s.n; ++i) system.add_atom(type_names[static_cast<int>(symbols[i])], s.x[i], s.y[i], s.z[i], name);
    const std::string g = "/reference/" + name + "/";
    const auto forces = f.read(g + "forces").data;
    FrameExtras extras;
    extras.velocities = false;
    extras.energy = f.read(g + "total_energy").data[0];
    extras.columns.push_back({"forces", 3, &forces});
    std::string stress;
    if (s.box.has_volume()) {
      for (double v : f.read(g + "stress").data) stress += fmt::format("{}{}", stress.empty() ? "" : " ", v);
      extras.info.emplace_back("stress", stress);
    }
    extras.info.emplace_back("config_type", s.box.has_volume() ? "bulk" : "cluster");
    writer.write_frame(system, extras);
  }
}

// A committee (--model given three times): its forces are the mean of the members' and force_dev
// is σ_i = sqrt(mean_m |F_m,i − F̄_i|²), computed here from each member's own `mdgpu eval`; with
// force labels it prints the calibration table.
TEST(EvalCommand, CommitteeWritesTheMeanAndEachAtomsDeviation) {
  std::vector<std::string> members;
  for (int seed : {0, 1, 2}) members.push_back(test::committee_member(seed));
  for (const auto& m : members) ASSERT_FALSE(m.empty());
  testing::TempDir dir;
  write_labelled_frames(dir.path() / "frames.extxyz", {"lipon124", "triclinic24"});
  std::vector<std::vector<Frame>> alone;
  std::string all;
  for (std::size_t k = 0; k < members.size(); ++k) {
    const std::string out = fmt::format("member{}.extxyz", k);
    const auto r = run_mdgpu(dir.path(), "eval --model '" + members[k] + "' --precision float64 frames.extxyz -o " + out);
    ASSERT_EQ(r.code, 0) << r.err;
    alone.push_back(read_extxyz(dir.path() / out));
    all += " --model '" + members[k] + "'";
  }
  const auto r = run_mdgpu(dir.path(), "eval" + all + " --precision float64 frames.extxyz -o pred.extxyz");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("committee force deviation σ against the true per-atom force error"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Spearman rank correlation of σ and |ΔF| over 148 atoms"), std::string::npos) << r.out;
  const auto pred = read_extxyz(dir.path() / "pred.extxyz");
  ASSERT_EQ(pred.size(), 2u);
  for (std::size_t f = 0; f < pred.size(); ++f) {
    const auto& mean = pred[f].arrays.at("forces").values;
    const auto& dev = pred[f].arrays.at("force_dev").values;
    const std::size_t n = dev.size();
    ASSERT_EQ(mean.size(), 3 * n);
    double max = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      double fbar[3] = {0, 0, 0}, sq = 0.0;
      for (const auto& m : alone)
        for (int c = 0; c < 3; ++c) fbar[c] += m[f].arrays.at("forces").values[3 * i + c] / 3.0;
      for (const auto& m : alone)
        for (int c = 0; c < 3; ++c) sq += std::pow(m[f].arrays.at("forces").values[3 * i + c] - fbar[c], 2);
      for (int c = 0; c < 3; ++c) EXPECT_NEAR(mean[3 * i + c], fbar[c], 1e-10) << pred[f].where << " atom " << i;
      EXPECT_NEAR(dev[i], std::sqrt(sq / 3.0), 1e-10) << pred[f].where << " atom " << i;
      max = std::max(max, dev[i]);
    }
    EXPECT_EQ((*info_numbers(pred[f], "max_force_dev"))[0], max);
  }
}

TEST(EvalCommand, ReproducesNequipLabelsAndWritesAseConventions) {
  const std::string model = test::exported_model(test::nequip_small_reference());
  ASSERT_FALSE(model.empty());
  testing::TempDir dir;
  write_labelled_frames(dir.path() / "frames.extxyz", {"lipon124", "cluster15", "triclinic24"});
  const auto r = run_mdgpu(dir.path(), "eval --model '" + model + "' --precision float64 frames.extxyz -o pred.extxyz");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("errors against the frames' labels"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("config_type cluster"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("species Li"), std::string::npos) << r.out;

  const auto pred = read_extxyz(dir.path() / "pred.extxyz");
  ASSERT_EQ(pred.size(), 3u);
  for (const auto& frame : pred) {
    const double e = (*info_numbers(frame, "energy"))[0], ref = (*info_numbers(frame, "ref_energy"))[0];
    EXPECT_NEAR(e, ref, 1e-9 * std::fabs(ref)) << frame.where;
    const auto& f = frame.arrays.at("forces").values;
    const auto& rf = frame.arrays.at("ref_forces").values;
    ASSERT_EQ(f.size(), rf.size());
    for (std::size_t k = 0; k < f.size(); ++k) EXPECT_NEAR(f[k], rf[k], 1e-9) << frame.where;
    double sum = 0;
    for (double x : frame.arrays.at("energies").values) sum += x;
    EXPECT_NEAR(sum, e, 1e-9 * std::fabs(e));
    if (auto s = info_numbers(frame, "stress")) {
      const auto rs = *info_numbers(frame, "ref_stress");
      for (int k = 0; k < 9; ++k) EXPECT_NEAR((*s)[k], rs[k], 1e-12) << frame.where;
    } else {
      EXPECT_EQ(frame.info.at("config_type"), "cluster");  // no stress without a cell volume
    }
  }
}

TEST(EvalCommand, BadInputExitsWithTwoAndOneLine) {
  const std::string model = test::exported_model(test::nequip_small_reference());
  ASSERT_FALSE(model.empty());
  testing::TempDir dir;
  fs::copy_file(fs::path(MDGPU_SOURCE_DIR) / "inputs/structures/argon_liquid_500.extxyz", dir.path() / "argon.extxyz");
  struct Case {
    std::string args, message;
  };
  const std::vector<Case> cases = {
      {"eval --model '" + model + "' argon.extxyz", "the model has no species 'Ar'"},
      {"eval --model missing.h5 argon.extxyz", "missing.h5: no such file"},
      {"eval --model argon.extxyz argon.extxyz", "not a readable HDF5 file"},
      {"eval --model '" + model + "' --precision half argon.extxyz", "--precision must be float32 or float64"},
      {"eval argon.extxyz", "usage: mdgpu eval"},
      {"eval --model '" + model + "' argon.extxyz -o argon.extxyz", "exists; pass --overwrite"},
  };
  for (const auto& c : cases) {
    const auto r = run_mdgpu(dir.path(), c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
}  // namespace mdgpu
