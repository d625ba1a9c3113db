// MD with a NequIP model through the real binary: `potential.kind = "nequip"` in an input file,
// NVE from 300 K on the 124-atom LiPON reference structure with the small reference model in
// float64. The randomly initialised model is far from equilibrium (it heats the structure to
// ~2600 K in 0.1 ps), so rather than a fixed drift bound the test checks what velocity Verlet
// with exact forces must give: the conserved-energy error shrinks 4x when the time step halves.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "io/extxyz.hpp"
#include "nequip_fixture.hpp"
#include "temp_dir.hpp"

namespace mdgpu {
namespace {

struct NveRun {
  double max_error = 0.0;  // max |E_conserved(t) - E_conserved(0)|, eV
  double drift = 0.0;      // least-squares slope, eV/atom/ps
};

NveRun run_nve(const testing::TempDir& dir, const std::string& model, double timestep_fs) {
  const int steps = static_cast<int>(std::lround(100.0 / timestep_fs));  // 0.1 ps
  const std::string name = fmt::format("nve_{}", steps);
  dir.write(name + ".toml", fmt::format(
      "[system]\nstructure = \"lipon124.extxyz\"\nvelocities = {{ temperature = 300.0, seed = 3 }}\n"
      "[potential]\nkind = \"nequip\"\nmodel = \"{}\"\nprecision = \"float64\"\n"
      "[[stage]]\nensemble = \"nve\"\ntimestep_fs = {}\nsteps = {}\n"
      "[output]\nthermo = {{ path = \"{}.csv\", every = {} }}\n",
      model, timestep_fs, steps, name, steps / 20));
  const std::string cmd = "cd '" + dir.path().string() + "' && '" + MDGPU_BINARY + "' run -q " + name +
                          ".toml > out.txt 2> err.txt";
  const int status = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << testing::slurp(dir.path() / "err.txt");

  std::istringstream csv(testing::slurp(dir.path() / (name + ".csv")));
  std::string line;
  std::getline(csv, line);  // step,time_ps,stage,temperature_K,target_K,potential_eV,kinetic_eV,total_eV,conserved_eV,...
  std::vector<double> time, conserved;
  while (std::getline(csv, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cols.push_back(c);
    EXPECT_GE(cols.size(), 9u);
    time.push_back(std::stod(cols[1]));
    conserved.push_back(std::stod(cols[8]));
    EXPECT_TRUE(std::isfinite(conserved.back()));
  }
  EXPECT_EQ(conserved.size(), 21u);
  NveRun r;
  double mt = 0, me = 0;
  for (std::size_t k = 0; k < time.size(); ++k) mt += time[k] / time.size(), me += conserved[k] / time.size();
  double sxy = 0, sxx = 0;
  for (std::size_t k = 0; k < time.size(); ++k) {
    sxy += (time[k] - mt) * (conserved[k] - me);
    sxx += (time[k] - mt) * (time[k] - mt);
    r.max_error = std::max(r.max_error, std::fabs(conserved[k] - conserved[0]));
  }
  r.drift = sxy / sxx / 124.0;
  return r;
}

TEST(NequipMd, NveEnergyErrorIsSecondOrderInTheTimestep) {
  const std::string model = test::exported_model(test::nequip_small_reference());
  ASSERT_FALSE(model.empty());
  testing::TempDir dir;
  ExtxyzWriter(dir.path() / "lipon124.extxyz", ExtxyzWriter::Mode::Truncate)
      .write_frame(test::reference_system(test::H5File(test::nequip_small_reference()), "lipon124"));
  const NveRun coarse = run_nve(dir, model, 0.5), fine = run_nve(dir, model, 0.25);
  std::printf("NequIP NVE (small model, lipon124, 0.1 ps from 300 K): dt 0.5 fs max |dE| %.2e eV, drift %.1e "
              "eV/atom/ps; dt 0.25 fs %.2e eV, %.1e eV/atom/ps; ratio %.2f\n",
              coarse.max_error, coarse.drift, fine.max_error, fine.drift, coarse.max_error / fine.max_error);
  EXPECT_GT(coarse.max_error / fine.max_error, 3.5);
  EXPECT_LT(coarse.max_error / fine.max_error, 4.5);
}

}  // namespace
}  // namespace mdgpu
