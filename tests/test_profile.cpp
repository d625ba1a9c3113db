// Profiles along c on a layered structure with known answers: three simple-cubic Li layers (3 Å
// apart) under three O layers. Li in the middle layer has 6 Li neighbours at 3 Å, Li next to the O
// has 5; densities are the layers' atoms over the bin volume.
#include <cmath>

#include <gtest/gtest.h>

#include "analysis/profile.hpp"
#include "core/elements.hpp"

namespace mdgpu {
namespace {

TEST(Profile, LayeredLiUnderOxygen) {
  System s;
  s.box = Box(Mat3{Vec3{12.0, 0.0, 0.0}, Vec3{0.0, 12.0, 0.0}, Vec3{0.0, 0.0, 18.0}},
              {true, true, true});
  for (int layer = 0; layer < 6; ++layer)
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j)
        s.add_atom(layer < 3 ? "Li" : "O", 3.0 * i, 3.0 * j, 1.5 + 3.0 * layer, "test");
  ProfileAccumulator profile(2, 6, 0, 3.2);
  profile.add_frame(s);
  profile.add_frame(s);                                 // averages over frames
  const double per_layer = 16.0 / (12.0 * 12.0 * 3.0);  // atoms/Å³
  const int li_neighbours[3] = {5, 6, 5};
  for (int b = 0; b < 6; ++b) {
    const bool li = b < 3;
    EXPECT_NEAR(profile.density(0, b), li ? per_layer : 0.0, 1e-15) << b;
    EXPECT_NEAR(profile.density(1, b), li ? 0.0 : per_layer, 1e-15) << b;
    const double amu = per_layer * find_element(li ? "Li" : "O")->mass;
    EXPECT_NEAR(profile.mass_density(b, s.species_mass), amu * 1.66053906660, 1e-12) << b;
    if (li) {
      EXPECT_DOUBLE_EQ(profile.neighbors(b), li_neighbours[b]);
      EXPECT_NEAR(profile.bond_length(b), 3.0, 1e-12);
    } else {
      EXPECT_TRUE(std::isnan(profile.neighbors(b)));
      EXPECT_TRUE(std::isnan(profile.bond_length(b)));
    }
  }
  EXPECT_EQ(profile.frames(), 2);
  EXPECT_DOUBLE_EQ(profile.mean_height(), 18.0);
}

}  // namespace
}  // namespace mdgpu
