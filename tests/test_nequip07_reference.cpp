// nequip >= 0.7 conformance: two NequIPGNNModel checkpoints made by nequip 0.19.1 itself
// (tests/data/nequip07, tools/make_nequip07_reference.py; l_max 1 with parity and 3 layers, l_max 2
// without parity, per-l features, a narrower type embedding and a depth-2 radial MLP, 2 layers),
// converted by tools/export_nequip.py, against nequip's own energies, per-atom energies, forces,
// virial and stress on the reference structures (a 4-atom cell whose atoms see their own images,
// a cluster, a triclinic cell, a slab, the 124-atom LiPON cell): float64 to 1e-9 relative. The
// second checkpoint is an EMA one (nequip evaluates the averaged weights). The float32 results
// are printed, not asserted: they lie within 0.1-5.7x nequip's own float32 gap, which above 3x is
// far below float32 resolution and changes between nequip runs (tests/data/nequip07/README.md).
#include <gtest/gtest.h>

#include <string>

#include "nequip_reference_check.hpp"

namespace mdgpu {
namespace {

const std::string kData = std::string(MDGPU_TEST_DATA) + "/nequip07/";

void check(const std::string& model_name) {
  const auto model = NequipModel::load(kData + model_name + ".mdgpu.h5");
  test::check_reference(model, kData + model_name + "_reference.h5",
                        {"li3n4", "cluster15", "triclinic24", "slab64", "lipon124"}, test::reference_type_map(model),
                        /*assert_float32=*/false);
}

TEST(Nequip07Reference, Lmax1ParityThreeLayers) { check("lmax1_parity_3layers"); }

TEST(Nequip07Reference, Lmax2NoParityTwoLayers) { check("lmax2_noparity_2layers"); }

}  // namespace
}  // namespace mdgpu
