// A structure whose cell is not in LAMMPS's orientation (a along x, b in the xy plane) runs aniso
// and tri stages after a rigid rotation at input (app/runner.cpp), saying so in the log: the same
// argon, given rotated, follows the unrotated run (volume, cell lengths, energies, pressure and
// the conserved quantity are invariants of the rotation) with MTK tri on the triclinic cell and
// stochastic cell rescaling aniso on the cubic one.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "app/runner.hpp"
#include "io/config.hpp"
#include "io/extxyz.hpp"
#include "io/structure.hpp"
#include "tests/md_fixture.hpp"
#include "tests/temp_dir.hpp"

namespace mdgpu {
namespace {

const std::string kData = std::string(MDGPU_TEST_DATA) + "/lammps/";

// A rotation by 0.7 rad about (1, 2, 2)/3: every Cartesian axis moves.
Vec3 rotated(const Vec3& u) {
  const Vec3 k{1.0 / 3, 2.0 / 3, 2.0 / 3};
  const double c = std::cos(0.7), s = std::sin(0.7), kv = dot(k, u);
  const Vec3 kxu = cross(k, u);
  Vec3 out{};
  for (int j = 0; j < 3; ++j) out[j] = u[j] * c + kxu[j] * s + k[j] * kv * (1 - c);
  return out;
}

void rotate(Vec3Array& v) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    const Vec3 r = rotated({v.x[i], v.y[i], v.z[i]});
    v.x[i] = r[0], v.y[i] = r[1], v.z[i] = r[2];
  }
}

struct Run {
  std::vector<ThermoSample> samples;
  std::vector<std::string> log;
};

Run run(const testing::TempDir& dir, const std::string& name, const System& system,
        const std::string& barostat) {
  dir.write(name + ".extxyz", extxyz_frame(system));
  const std::string input =
      "[system]\nstructure = \"" + name + ".extxyz\"\nvelocities = \"file\"\n[potential]\nkind = "
      "\"lj\"\ncutoff = 8.5\nshift = true\npairs = [ { species = [\"Ar\", \"Ar\"], epsilon = 0.0104, "
      "sigma = 3.40 } ]\n[[stage]]\nensemble = \"npt\"\ntemperature = 100.0\ntdamp_ps = 0.2\n"
      "timestep_fs = 2.0\nsteps = 50\nbarostat = " + barostat + "\n[output]\ndirectory = \"" + name +
      "\"\nprogress_every_s = 0\n";
  RunPlan plan = parse_run_plan(input, dir / (name + ".toml"));
  plan.output_directory = dir / name;
  plan.thermo.path = plan.output_directory / plan.thermo.path;
  plan.checkpoint.path = plan.output_directory / plan.checkpoint.path;
  Run r;
  PreparedRun prepared(plan, [&r](const std::string& line) { r.log.push_back(line); });
  prepared.simulation().add_observer(std::make_unique<testing::Recorder>(r.samples));
  prepared.run();
  return r;
}

bool mentions_rotation(const Run& r) {
  for (const std::string& line : r.log)
    if (line.find("cell is rotated") != std::string::npos) return true;
  return false;
}

void expect_same_run(const std::string& structure, const std::string& barostat) {
  SCOPED_TRACE(structure + ", barostat = " + barostat);
  testing::TempDir dir;
  System plain = read_structure(kData + structure);
  System turned = plain;
  Mat3 cell = plain.box.cell();
  for (Vec3& row : cell) row = rotated(row);
  turned.box = Box(cell, plain.box.periodic());
  rotate(turned.positions);
  rotate(turned.velocities);
  const Run a = run(dir, "plain", plain, barostat), b = run(dir, "turned", turned, barostat);
  EXPECT_FALSE(mentions_rotation(a));
  EXPECT_TRUE(mentions_rotation(b));
  ASSERT_EQ(a.samples.size(), b.samples.size());
  double worst = 0.0;  // relative
  for (std::size_t k = 0; k < a.samples.size(); ++k) {
    const ThermoSample &x = a.samples[k], &y = b.samples[k];
    for (int j = 0; j < 3; ++j)
      worst = std::max(worst, std::fabs(norm(x.cell[j]) / norm(y.cell[j]) - 1));
    worst = std::max({worst, std::fabs(x.volume / y.volume - 1), std::fabs(x.potential / y.potential - 1),
                      std::fabs(x.conserved / y.conserved - 1), std::fabs(x.pressure - y.pressure) / 1e3});
  }
  std::printf("%s, %s: largest relative difference over 50 steps %.1e\n", structure.c_str(),
              barostat.c_str(), worst);
  EXPECT_LT(worst, 1e-11);  // the rotation's round-off (1e-16) grown over 50 steps: 1e-14 here
  EXPECT_GT(a.samples.back().volume, 0.0);
}

TEST(RotatedCell, TriAndAnisoRunAsInLammpsOrientation) {
  expect_same_run("lj_triclinic_initial.extxyz", "{ coupling = \"tri\", pressure = 500.0, pdamp_ps = 0.5 }");
  expect_same_run("lj_ortho_initial.extxyz",
                  "{ kind = \"c-rescale\", coupling = \"aniso\", pressure = 500.0, tau_p_ps = 0.3, "
                  "compressibility = 1.2e-4 }");
}

}  // namespace
}  // namespace mdgpu
