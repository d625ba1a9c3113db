// NequIP physics checks that need no reference: forces are minus the finite-difference energy
// gradient, the virial is minus the strain derivative, the energy is invariant and the forces
// equivariant under rotations, translations and permutations; bad models and species are refused.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <numeric>
#include <random>

#include "core/errors.hpp"
#include "core/system.hpp"
#include "core/hdf5_file.hpp"
#include "model/nequip_potential.hpp"
#include "nequip_fixture.hpp"
#include "temp_dir.hpp"

namespace mdgpu {
namespace {

class NequipPhysics : public ::testing::Test {
protected:
  void SetUp() override {
    const std::string file = test::exported_model(test::nequip_small_reference());
    ASSERT_FALSE(file.empty()) << "tools/export_nequip.py could not convert the small reference";
    model_ = std::make_unique<NequipModel>(NequipModel::load(file));
    ev_ = make_nequip_evaluator(*model_, true);
    ref_ = std::make_unique<test::H5File>(test::nequip_small_reference());
  }
  test::Evaluation eval(const test::Structure& s) { return test::evaluate(*ev_, model_->r_max, s); }
  double energy(const test::Structure& s) { return eval(s).energy; }

  std::unique_ptr<NequipModel> model_;
  std::unique_ptr<NequipEvaluator> ev_;
  std::unique_ptr<test::H5File> ref_;
};

TEST_F(NequipPhysics, ForcesAreMinusTheEnergyGradient) {
  test::expect_forces_match_fd(*ev_, model_->r_max, *ref_, {"triclinic24", "cluster15", "li3n4"}, 2e-8);
}

// nequip's use_sc = false: no self-connection in any layer (the reference models all have one, so
// the small model with the flag cleared stands in; its sc weights are then unused).
TEST_F(NequipPhysics, ModelWithoutSelfConnection) {
  testing::TempDir dir;
  const auto file = dir.path() / "no_sc.h5";
  std::filesystem::copy_file(test::exported_model(test::nequip_small_reference()), file);
  h5::File(file.string(), h5::Mode::ReadWrite).set_attr("/", "use_sc", std::int64_t{0});
  const NequipModel no_sc = NequipModel::load(file.string());
  ASSERT_FALSE(no_sc.layers.front().use_sc);
  auto ev = make_nequip_evaluator(no_sc, true);
  const auto s = test::reference_structure(*ref_, "triclinic24");
  EXPECT_GT(std::fabs(test::evaluate(*ev, no_sc.r_max, s).energy - energy(s)), 1e-6);
  test::expect_forces_match_fd(*ev, no_sc.r_max, *ref_, {"triclinic24", "cluster15", "li3n4"}, 2e-8);
}

TEST_F(NequipPhysics, VirialIsMinusTheStrainDerivative) {
  for (const char* name : {"triclinic24", "slab64"}) {
    SCOPED_TRACE(name);
    const auto s = test::reference_structure(*ref_, name);
    const auto e = eval(s);
    const double h = 1e-6;
    for (int a = 0; a < 3; ++a)
      for (int b = a; b < 3; ++b) {
        const double fd = -(energy(test::strained(s, a, b, h)) - energy(test::strained(s, a, b, -h))) / (2 * h);
        EXPECT_NEAR(e.virial[a][b], fd, 2e-6 * std::max(1.0, std::fabs(fd))) << a << b;
        EXPECT_EQ(e.virial[a][b], e.virial[b][a]);
      }
  }
}

TEST_F(NequipPhysics, InvariantUnderRotationTranslationAndPermutation) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  for (const char* name : {"cluster15", "triclinic24"}) {
    SCOPED_TRACE(name);
    const auto s = test::reference_structure(*ref_, name);
    const auto e = eval(s);
    // A random rotation from a normalised random quaternion.
    double q[4];
    double norm = 0;
    for (double& c : q) norm += (c = normal(rng)) * c;
    for (double& c : q) c /= std::sqrt(norm);
    const double R[3][3] = {
        {1 - 2 * (q[2] * q[2] + q[3] * q[3]), 2 * (q[1] * q[2] - q[0] * q[3]), 2 * (q[1] * q[3] + q[0] * q[2])},
        {2 * (q[1] * q[2] + q[0] * q[3]), 1 - 2 * (q[1] * q[1] + q[3] * q[3]), 2 * (q[2] * q[3] - q[0] * q[1])},
        {2 * (q[1] * q[3] - q[0] * q[2]), 2 * (q[2] * q[3] + q[0] * q[1]), 1 - 2 * (q[1] * q[1] + q[2] * q[2])}};
    auto rotate = [&](double x, double y, double z, double out[3]) {
      for (int k = 0; k < 3; ++k) out[k] = R[k][0] * x + R[k][1] * y + R[k][2] * z;
    };
    const double shift[3] = {normal(rng), normal(rng), normal(rng)};
    std::vector<int> perm(static_cast<std::size_t>(s.n));
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);

    auto t = s;
    for (int i = 0; i < s.n; ++i) {
      const int j = perm[i];
      double r[3];
      rotate(s.x[j], s.y[j], s.z[j], r);
      t.x[i] = r[0] + shift[0];
      t.y[i] = r[1] + shift[1];
      t.z[i] = r[2] + shift[2];
      t.type[i] = s.type[j];
    }
    if (s.box.has_volume()) {
      Mat3 rows{};
      for (int k = 0; k < 3; ++k) {
        double r[3];
        rotate(s.box.cell()[k][0], s.box.cell()[k][1], s.box.cell()[k][2], r);
        rows[k] = {r[0], r[1], r[2]};
      }
      t.box = Box(rows, s.box.periodic());
    }
    const auto et = eval(t);
    EXPECT_NEAR(et.energy, e.energy, 1e-11 * std::fabs(e.energy));
    for (int i = 0; i < s.n; ++i) {
      const int j = perm[i];
      double f[3];
      rotate(e.fx[j], e.fy[j], e.fz[j], f);
      EXPECT_NEAR(et.fx[i], f[0], 1e-11);
      EXPECT_NEAR(et.fy[i], f[1], 1e-11);
      EXPECT_NEAR(et.fz[i], f[2], 1e-11);
      EXPECT_NEAR(et.per_atom[i], e.per_atom[j], 1e-12);
    }
  }
}

TEST_F(NequipPhysics, SpeciesTheModelLacksIsAnInputError) {
  System system;
  system.species_index("Li", "test");
  system.species_index("Fe", "test");
  auto backend = make_backend("cpu", 0);
  try {
    NequipPotential potential(test::exported_model(test::nequip_small_reference()), "float64", system, *backend);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no species 'Fe'"), std::string::npos) << e.what();
  }
}

TEST_F(NequipPhysics, DamagedModelFilesAreInputErrors) {
  testing::TempDir dir;
  const std::string good = test::exported_model(test::nequip_small_reference());
  const auto truncated = dir.path() / "truncated.h5";
  std::filesystem::copy_file(good, truncated);
  std::filesystem::resize_file(truncated, std::filesystem::file_size(good) / 3);
  EXPECT_THROW(NequipModel::load(truncated.string()), InputError);
  const auto text = dir.path() / "text.h5";
  std::ofstream(text) << "hello\n";
  EXPECT_THROW(NequipModel::load(text.string()), InputError);
  // l_max beyond the spherical harmonics mdgpu implements (0-3) is refused by name.
  const auto l4 = dir.path() / "l4.h5";
  std::filesystem::copy_file(good, l4);
  h5::File(l4.string(), h5::Mode::ReadWrite)
      .set_attr("/", "irreps_edge_sh", std::string("1x0e+1x1o+1x2e+1x3o+1x4e"));
  try {
    NequipModel::load(l4.string());
    ADD_FAILURE() << "a model with l_max = 4 was loaded";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("above l = 3 are not supported"), std::string::npos) << e.what();
  }
  // A damaged count is refused before any plan is built (2^31 layers would loop for hours), and
  // an l_max that contradicts the edge irreps (a negative one) is refused, not ignored.
  const std::pair<const char*, std::int64_t> damaged[] = {
      {"num_layers", 2000000000}, {"invariant_layers", 2000000000}, {"l_max", -1}, {"l_max", 3}};
  for (const auto& [key, value] : damaged) {
    SCOPED_TRACE(key);
    const auto file = dir.path() / fmt::format("{}{}.h5", key, value);
    std::filesystem::copy_file(good, file);
    h5::File(file.string(), h5::Mode::ReadWrite).set_attr("/", key, value);
    try {
      NequipModel::load(file.string());
      ADD_FAILURE() << "a model with " << key << " = " << value << " was loaded";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(fmt::format("{} = {}", key, value)), std::string::npos)
          << e.what();
    }
  }
  // A valid HDF5 file that is not a model (the reference file itself) names the fix.
  try {
    NequipModel::load(test::nequip_small_reference());
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("export_nequip.py"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mdgpu
