// Neighbor list against brute force over periodic images: random triclinic cells (including
// widths below twice the list radius, where an atom sees several images of one neighbour and
// itself), slabs and clusters, on every backend.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <tuple>
#include <vector>

#include "engine/atoms.hpp"
#include "engine/neighbor_list.hpp"
#include "kernels/neighbor_bodies.hpp"
#include "tests/backends.hpp"
#include "tests/brute_force_pairs.hpp"
#include "tests/listed_pairs.hpp"

namespace mdgpu {
namespace {

using testing::Pair;
using testing::brute_force_pairs;

System random_system(const Mat3& cell, std::array<bool, 3> pbc, int n, unsigned seed,
                     double open_extent = 6.0) {
  System s;
  s.box = Box(cell, pbc);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0), open(-open_extent, open_extent);
  for (int i = 0; i < n; ++i) {
    double f[3];
    for (int k = 0; k < 3; ++k) f[k] = pbc[k] ? u(rng) * 3.0 - 1.0 : 0.0;  // unwrapped on purpose
    double r[3];
    box_to_cart(s.box.data(), f, r);
    for (int k = 0; k < 3; ++k)
      if (!pbc[k]) {  // open axis: offset along the (possibly stand-in) lattice direction
        const double o = open(rng);
        for (int j = 0; j < 3; ++j) r[j] += o * s.box.data().h[k][j] / 1.0;
      }
    s.add_atom(i % 2 ? "Li" : "O", r[0], r[1], r[2], "test");
  }
  return s;
}

// The list as (i, j, shift) in the coordinates of the original (unwrapped) positions: the
// build wraps atoms, so shifts are translated back through the image counters.
std::vector<Pair> listed_pairs(Atoms& atoms, const NeighborList& list) {
  System back;
  back.positions.resize(atoms.size());
  back.velocities.resize(atoms.size());
  for (auto& im : back.image) im.resize(atoms.size());
  atoms.download_state(back);
  std::vector<Pair> out = testing::listed_pairs_as_held(atoms, list);
  for (Pair& p : out) {
    auto& [i, j, n0, n1, n2] = p;
    // x_j,wrapped + n = x_j,orig - im_j + n; relative to x_i,orig - im_i.
    n0 += back.image[0][i] - back.image[0][j];
    n1 += back.image[1][i] - back.image[1][j];
    n2 += back.image[2][i] - back.image[2][j];
  }
  std::sort(out.begin(), out.end());
  return out;
}

Mat3 random_triclinic(std::mt19937& rng, double lmin, double lmax) {
  std::uniform_real_distribution<double> len(lmin, lmax), tilt(-0.45, 0.45);
  const double a = len(rng), b = len(rng), c = len(rng);
  return Mat3{Vec3{a, 0, 0}, Vec3{tilt(rng) * b, b, 0}, Vec3{tilt(rng) * c, tilt(rng) * c, c}};
}

class NeighborListTest : public ::testing::TestWithParam<std::string> {};

TEST_P(NeighborListTest, MatchesBruteForceInRandomTriclinicCells) {
  MDGPU_BACKEND_OR_SKIP(backend, GetParam());
  std::mt19937 rng(7);
  for (int trial = 0; trial < 12; ++trial) {
    // Lengths from 2.5 Å (several images of everything, atoms see themselves) to 14 Å.
    const Mat3 cell = random_triclinic(rng, trial < 6 ? 2.5 : 7.0, trial < 6 ? 6.0 : 14.0);
    System s = random_system(cell, {true, true, true}, 10 + 7 * trial, 100 + trial);
    const double rc = 4.0, skin = 0.3;
    const auto expected = brute_force_pairs(s, rc + skin);
    Atoms atoms(backend->space(), s);
    NeighborList list(*backend, rc, skin);
    list.update(atoms.view(), s.box, true);
    EXPECT_EQ(listed_pairs(atoms, list), expected) << "trial " << trial;
    EXPECT_EQ(list.num_pairs(), static_cast<std::int64_t>(expected.size()));
  }
}

TEST_P(NeighborListTest, SlabIsNotImagedAlongItsOpenAxis) {
  MDGPU_BACKEND_OR_SKIP(backend, GetParam());
  std::mt19937 rng(11);
  for (int trial = 0; trial < 4; ++trial) {
    Mat3 cell = random_triclinic(rng, 5.0, 9.0);
    System s = random_system(cell, {true, true, false}, 40, 200 + trial, 0.8);
    const auto expected = brute_force_pairs(s, 4.5);
    Atoms atoms(backend->space(), s);
    NeighborList list(*backend, 4.5, 0.0);
    list.update(atoms.view(), s.box, true);
    EXPECT_EQ(listed_pairs(atoms, list), expected) << "trial " << trial;
  }
}

TEST_P(NeighborListTest, ClusterWithoutCell) {
  MDGPU_BACKEND_OR_SKIP(backend, GetParam());
  System s = random_system(Mat3{}, {false, false, false}, 60, 300, 1.0);
  const auto expected = brute_force_pairs(s, 3.0);
  ASSERT_FALSE(expected.empty());
  Atoms atoms(backend->space(), s);
  NeighborList list(*backend, 3.0, 0.5);
  list.update(atoms.view(), s.box, true);
  EXPECT_EQ(listed_pairs(atoms, list), brute_force_pairs(s, 3.5));
}

TEST_P(NeighborListTest, RebuildsOnlyAfterHalfSkinDisplacement) {
  MDGPU_BACKEND_OR_SKIP(backend, GetParam());
  std::mt19937 rng(3);
  System s = random_system(random_triclinic(rng, 9.0, 10.0), {true, true, true}, 50, 5);
  s.velocities.x.assign(s.size(), 0.0);
  s.velocities.x[7] = 1.0;  // one atom moving along x at 1 Å/ps
  Atoms atoms(backend->space(), s);
  NeighborList list(*backend, 3.0, 1.0);
  EXPECT_TRUE(list.update(atoms.view(), s.box));
  backend->drift(atoms.view(), 0.49);  // 0.49 Å < skin/2
  EXPECT_FALSE(list.update(atoms.view(), s.box));
  backend->drift(atoms.view(), 0.02);  // 0.51 Å > skin/2
  EXPECT_TRUE(list.update(atoms.view(), s.box));
  EXPECT_EQ(list.builds(), 2);
}

// The CSR arrays as they are, order included.
struct RawList {
  std::vector<std::int64_t> offsets;
  std::vector<int> index;
  std::vector<std::int32_t> image;
  bool operator==(const RawList& o) const {
    return offsets == o.offsets && index == o.index && image == o.image;
  }
};

RawList raw_list(const NeighborList& list, Space space) {
  const NeighborView v = list.view();
  RawList r{std::vector<std::int64_t>(v.n + 1), {}, {}};
  space_copy(Space::Host, r.offsets.data(), space, v.offsets, r.offsets.size() * sizeof(std::int64_t));
  r.index.resize(r.offsets.back());
  r.image.resize(r.offsets.back());
  space_copy(Space::Host, r.index.data(), space, v.index, r.index.size() * sizeof(int));
  space_copy(Space::Host, r.image.data(), space, v.image, r.image.size() * sizeof(std::int32_t));
  return r;
}

// A checkpoint restart rebuilds the list from the positions of its last build: the same pairs in
// the same order (so forces are summed in the same order) and the same next rebuild.
TEST_P(NeighborListTest, RestoreReproducesTheLastBuildExactly) {
  MDGPU_BACKEND_OR_SKIP(backend, GetParam());
  std::mt19937 rng(5);
  System s = random_system(random_triclinic(rng, 8.0, 10.0), {true, true, true}, 80, 9);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (std::size_t i = 0; i < s.size(); ++i)
    s.velocities.x[i] = u(rng), s.velocities.y[i] = u(rng), s.velocities.z[i] = u(rng);
  Atoms atoms(backend->space(), s);
  NeighborList built(*backend, 4.0, 1.0);
  built.update(atoms.view(), s.box, true);  // wraps the (unwrapped) atoms
  const Vec3Array reference = built.reference();
  backend->drift(atoms.view(), 0.2);  // at most 0.35 Å: no rebuild due yet

  NeighborList restored(*backend, 4.0, 1.0);
  restored.restore(atoms.view(), s.box, reference, built.builds());
  EXPECT_TRUE(raw_list(restored, backend->space()) == raw_list(built, backend->space()));
  EXPECT_EQ(restored.builds(), built.builds());
  EXPECT_EQ(restored.reference().x, reference.x);
  EXPECT_FALSE(restored.update(atoms.view(), s.box));
  EXPECT_FALSE(built.update(atoms.view(), s.box));
  backend->drift(atoms.view(), 0.2);  // up to 0.69 Å > skin/2 for the fastest atoms
  EXPECT_EQ(restored.update(atoms.view(), s.box), built.update(atoms.view(), s.box));
}

std::vector<int> order_of(const NeighborList& list, Space space) {
  const NeighborView v = list.view();
  std::vector<int> order(v.n);
  space_copy(Space::Host, order.data(), space, v.order, order.size() * sizeof(int));
  return order;
}

// The oracle of the list's order: the atoms as they are (wrapped by the build) sorted stably by
// their bins in the list's grid, the bins computed here.
std::vector<int> binned_order(const Atoms& atoms, const NeighborList& list, const Box& box) {
  System now;
  now.positions.resize(atoms.size());
  now.velocities.resize(atoms.size());
  for (auto& im : now.image) im.resize(atoms.size());
  atoms.download_state(now);
  std::vector<int> bin(atoms.size()), order(atoms.size());
  for (int i = 0; i < atoms.size(); ++i)
    bin[i] = bin_of_atom(list.grid(), box.data(), now.positions.x[i], now.positions.y[i], now.positions.z[i]);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return bin[a] < bin[b]; });
  return order;
}

// The list's spatial order (NeighborView::order) is the bins' order of its last build: a host
// build, then a rebuild (decided and run on the device in deferred mode there); a rewind to a
// marked step brings back the marked list's order, which the next device update keeps.
TEST_P(NeighborListTest, OrderIsTheBinsOrderOfTheLastBuild) {
  MDGPU_BACKEND_OR_SKIP(backend, GetParam());
  std::mt19937 rng(13);
  System s = random_system(random_triclinic(rng, 9.0, 10.0), {true, true, true}, 80, 17);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (std::size_t i = 0; i < s.size(); ++i)
    s.velocities.x[i] = u(rng), s.velocities.y[i] = u(rng), s.velocities.z[i] = u(rng);
  Atoms atoms(backend->space(), s);
  NeighborList list(*backend, 3.0, 0.6);
  list.set_deferred(true);  // no effect on the host
  list.update(atoms.view(), s.box, true);
  const std::vector<int> first = order_of(list, backend->space());
  EXPECT_EQ(first, binned_order(atoms, list, s.box));
  std::vector<int> identity(s.size());
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_NE(first, identity);  // random atoms: their own order is not the bins'
  System built = s;
  atoms.download_state(built);
  list.mark();

  backend->drift(atoms.view(), 0.5);  // up to 0.87 Å > skin/2: a rebuild
  list.update(atoms.view(), s.box);
  list.settle();
  EXPECT_EQ(list.builds(), 2);
  const std::vector<int> second = order_of(list, backend->space());
  EXPECT_EQ(second, binned_order(atoms, list, s.box));
  EXPECT_NE(second, first);

  if (backend->space() != Space::Device) return;  // marks are the deferred mode's
  list.rewind();
  atoms.upload_positions(built);
  list.update(atoms.view(), s.box);
  list.settle();
  EXPECT_EQ(list.builds(), 1);  // no rebuild since the mark
  EXPECT_EQ(order_of(list, backend->space()), first);
}

INSTANTIATE_TEST_SUITE_P(Backends, NeighborListTest, ::testing::ValuesIn(testing::all_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mdgpu
