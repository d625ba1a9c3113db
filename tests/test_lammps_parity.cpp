// Against LAMMPS (29 Sep 2021, Debian): the same LJ argon, the same initial positions and
// velocities, 200 NVE steps — energies, pressure, positions and velocities agree to ~1e-8; and a
// Nosé–Hoover run agrees by averages. Reference data and the script that makes it:
// tools/lammps/ (README there). The NVE reference used the "codatamass" runs: LAMMPS's metal-unit
// mvv2e differs from CODATA 2018 by 6e-8, compensated there through the mass, so both programs
// integrate the same equations.
#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "engine/simulation.hpp"
#include "core/units.hpp"
#include "io/structure.hpp"
#include "model/pair_potential.hpp"
#include "tests/backends.hpp"
#include "tests/csv.hpp"
#include "tests/md_fixture.hpp"

namespace mdgpu {
namespace {

const std::string kData = std::string(MDGPU_TEST_DATA) + "/lammps/";
using testing::read_csv;

// {"mean": x, "stderr": y} of `key` in the averages JSON.
std::pair<double, double> json_mean(const std::string& text, const std::string& key) {
  const std::regex re("\"" + key + "\": \\{\\s*\"mean\": ([-0-9.eE+]+),\\s*\"stderr\": ([-0-9.eE+]+)");
  std::smatch m;
  EXPECT_TRUE(std::regex_search(text, m, re)) << key;
  return {std::stod(m[1]), std::stod(m[2])};
}

RunPlan argon_plan(const std::vector<StageSpec>& stages) {
  RunPlan plan;
  plan.potential = testing::argon_lj(8.5);
  plan.neighbor_skin = 1.0;
  plan.stages = stages;
  return plan;
}

// Each pair from both atoms (full list), or once with `newton` (half list on the CPU, as LAMMPS).
class LammpsParity : public ::testing::TestWithParam<std::tuple<std::string, std::string, bool>> {};

TEST_P(LammpsParity, NveTrajectoryMatches) {
  const auto& [backend_name, system_name, newton] = GetParam();
  MDGPU_BACKEND_OR_SKIP(backend, backend_name);
  System s = read_structure(kData + system_name + "_initial.extxyz");
  ASSERT_TRUE(s.has_velocities);
  RunPlan plan = argon_plan({testing::nve_stage(0.002, 200)});
  LennardJonesSpec lj = testing::argon_lj(8.5);
  lj.newton = newton;
  plan.potential = lj;
  PairPotential pot(lj, s, *backend);
  Simulation sim(plan, s, *backend, pot);
  std::vector<ThermoSample> samples;
  sim.add_observer(std::make_unique<testing::Recorder>(samples));
  sim.run();

  const auto thermo = read_csv(kData + system_name + "_codatamass_nve_thermo.csv");
  ASSERT_EQ(thermo.size(), samples.size());
  const double press_scale = units::kEvPerA3ToBar / 1.6021765e6;  // LAMMPS nktv2p -> CODATA
  for (std::size_t k = 0; k < samples.size(); ++k) {
    const auto& row = thermo[k];  // step, pe, ke, etotal, press, temp
    ASSERT_EQ(samples[k].step, static_cast<std::int64_t>(row[0]));
    EXPECT_NEAR(samples[k].potential, row[1], 1e-8 * std::fabs(row[1])) << "step " << k;
    EXPECT_NEAR(samples[k].kinetic, row[2], 1e-8 * std::fabs(row[2])) << "step " << k;
    EXPECT_NEAR(samples[k].total, row[3], 1e-8 * std::fabs(row[3])) << "step " << k;
    EXPECT_NEAR(samples[k].pressure, row[4] * press_scale, 1e-8 * std::fabs(row[4]) + 1e-6) << "step " << k;
  }
  const auto final_rows = read_csv(kData + system_name + "_codatamass_nve_final.csv");
  const System& got = sim.system();
  const BoxData& b = got.box.data();
  double max_dr = 0, max_dv = 0;
  for (const auto& row : final_rows) {  // id, x, y, z, vx, vy, vz, ix, iy, iz (unwrap both)
    const int i = static_cast<int>(row[0]) - 1;
    double ref_shift[3], got_shift[3];
    box_shift(b, int(row[7]), int(row[8]), int(row[9]), ref_shift);
    box_shift(b, got.image[0][i], got.image[1][i], got.image[2][i], got_shift);
    const double dr[3] = {got.positions.x[i] + got_shift[0] - row[1] - ref_shift[0],
                          got.positions.y[i] + got_shift[1] - row[2] - ref_shift[1],
                          got.positions.z[i] + got_shift[2] - row[3] - ref_shift[2]};
    const double dv[3] = {got.velocities.x[i] - row[4], got.velocities.y[i] - row[5],
                          got.velocities.z[i] - row[6]};
    for (int c = 0; c < 3; ++c) max_dr = std::max(max_dr, std::fabs(dr[c])), max_dv = std::max(max_dv, std::fabs(dv[c]));
  }
  std::printf("%s%s after 200 steps: max |dr| = %.2e Å, max |dv| = %.2e Å/ps\n", system_name.c_str(),
              newton ? " (newton)" : "", max_dr, max_dv);
  EXPECT_LT(max_dr, 1e-9);
  EXPECT_LT(max_dv, 1e-8);
}

INSTANTIATE_TEST_SUITE_P(Systems, LammpsParity,
                         ::testing::Combine(::testing::ValuesIn(testing::all_backends()),
                                            ::testing::Values("lj_ortho", "lj_triclinic"), ::testing::Bool()),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" + std::get<1>(info.param) +
                                  (std::get<2>(info.param) ? "_newton" : "");
                         });

// Nosé–Hoover chain (3 links, 0.2 ps) at 100 K against LAMMPS fix nvt: mean temperature, kinetic
// and potential energy agree within their combined statistical errors.
TEST(LammpsParityNvt, NoseHooverAveragesMatch) {
  auto backend = make_backend("cpu");
  System s = read_structure(kData + "lj_ortho_initial.extxyz");
  StageSpec equil = testing::nose_hoover_stage(100.0, 0.002, 2000);
  std::get<NoseHooverStage>(equil.kind).tdamp = 0.2;
  StageSpec prod = equil;
  prod.steps = 20000;
  const RunPlan plan = argon_plan({equil, prod});
  PairPotential pot(std::get<LennardJonesSpec>(plan.potential), s, *backend);
  Simulation sim(plan, s, *backend, pot);
  std::vector<ThermoSample> samples;
  sim.add_observer(std::make_unique<testing::Recorder>(samples));
  sim.run();
  std::vector<double> t, pe, ke;
  for (const auto& x : samples)
    if (x.step > 2000) t.push_back(x.temperature), pe.push_back(x.potential), ke.push_back(x.kinetic);

  std::ifstream in(kData + "lj_ortho_nvt_averages.json");
  const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const struct {
    const char* key;
    const std::vector<double>& values;
  } checks[] = {{"temp_K", t}, {"pe_eV", pe}, {"ke_eV", ke}};
  for (const auto& c : checks) {
    const auto [ref_mean, ref_err] = json_mean(json, c.key);
    const auto got = testing::block_average(c.values, 20);
    const double tol = 4.0 * std::hypot(ref_err, got.error);
    std::printf("NVT %s: mdgpu %.4f ± %.4f, LAMMPS %.4f ± %.4f\n", c.key, got.mean, got.error, ref_mean, ref_err);
    EXPECT_NEAR(got.mean, ref_mean, tol) << c.key;
  }
}

}  // namespace
}  // namespace mdgpu
