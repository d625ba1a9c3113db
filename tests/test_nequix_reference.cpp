// Nequix conformance: the shipped nequix-mp-1 model (converted by tools/export_nequix.py) against
// Nequix's own JAX implementation (tests/data/nequix, made by tools/make_nequix_reference.py) on
// the reference structures: a 4-atom cell with self-images, a triclinic cell, a cluster, a slab
// the 124-atom LiPON cell and a 220-atom Li||LiPON interface; and, needing no reference, forces and virial against finite
// differences of the energy (the cluster; the 4-atom cell, where every atom sees many of
// its own images, for the strain).
#include <gtest/gtest.h>

#include <cmath>

#include "core/errors.hpp"
#include "core/hdf5_file.hpp"
#include "nequip_reference_check.hpp"
#include "temp_dir.hpp"

namespace mdgpu {
namespace {

const std::string kModel = std::string(MDGPU_SOURCE_DIR) + "/inputs/models/nequix-mp-1/nequix-mp-1.mdgpu.h5";
const std::string kReference = std::string(MDGPU_TEST_DATA) + "/nequix/nequix_mp1_reference.h5";
const std::string kInterface = std::string(MDGPU_TEST_DATA) + "/nequix/nequix_mp1_interface.h5";

TEST(NequixReference, SmallStructures) {
  const auto model = NequipModel::load(kModel);
  test::check_reference(model, kReference, {"li3n4", "cluster15", "triclinic24", "slab64"}, test::reference_type_map(model));
}

TEST(NequixReference, Lipon124) {
  const auto model = NequipModel::load(kModel);
  test::check_reference(model, kReference, {"lipon124"}, test::reference_type_map(model));
}

// The study's other system: a Li-metal slab against LiPON (tools/build_interface.py), 220 atoms.
TEST(NequixReference, LiLiponInterface220) {
  const auto model = NequipModel::load(kModel);
  test::check_reference(model, kInterface, {"li_lipon220"}, test::reference_type_map(model));
}

TEST(NequixPhysics, ForcesAndVirialAreMinusTheEnergyDerivatives) {
  const auto model = NequipModel::load(kModel);
  const auto map = test::reference_type_map(model);
  auto ev = make_nequip_evaluator(model, true);
  const auto s = test::reference_structure(test::H5File(test::nequip_small_reference()), "li3n4");
  const auto energy = [&](const test::Structure& t) { return test::evaluate(*ev, model.r_max, t, map).energy; };
  test::expect_forces_match_fd(*ev, model.r_max, test::H5File(test::nequip_small_reference()), {"cluster15"}, 1e-7, map);
  const auto e = test::evaluate(*ev, model.r_max, s, map);
  const double h = 1e-5;
  for (int a = 0; a < 3; ++a)
    for (int b = a; b < 3; ++b) {
      const double fd = -(energy(test::strained(s, a, b, h)) - energy(test::strained(s, a, b, -h))) / (2 * h);
      EXPECT_NEAR(e.virial[a][b], fd, 1e-6 * std::max(1.0, std::fabs(fd))) << a << b;
    }
}

// An architecture option the loader does not know is refused by name, not read as the default.
TEST(NequixModelFile, UnknownOptionValuesAreInputErrors) {
  testing::TempDir dir;
  for (const char* key : {"embedding", "readout", "self_connection", "tp_weight_order", "layer_norm",
                          "radial_mlp_normalization"}) {
    SCOPED_TRACE(key);
    const auto file = dir.path() / (std::string(key) + ".h5");
    std::filesystem::copy_file(kModel, file);
    h5::File(file.string(), h5::Mode::ReadWrite).set_attr("/", key, std::string("centred"));
    try {
      NequipModel::load(file.string());
      ADD_FAILURE() << "accepted " << key << " = centred";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace mdgpu
