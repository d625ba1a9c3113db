// The evaluator's split into centres (owned atoms) and ghosts, as a LAMMPS rank sees it: a
// periodic structure given as its atoms plus explicit image copies (the ghosts, with no box
// images at all), the ghosts' features brought from their owners before every layer after the
// first and their gradients sent back, the ghost forces folded onto their owners. Energy,
// per-atom energies, forces and virial must equal the standalone (periodic-image) evaluation to
// round-off, for a model of 2 layers and one of 4, on the host kernels, the item kernels and the
// CUDA backend's kernels (device arrays, the halo through host copies; skipped without a device),
// in one chunk of receivers and in several.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "kernels/host/nequip_host_kernels.hpp"
#include "kernels/host/omp_exec.hpp"
#include "kernels/nequip_item_kernels.hpp"
#include "nequip_compare.hpp"
#include "nequip_fixture.hpp"
#include "tests/backends.hpp"
#if MDGPU_WITH_CUDA
#include "kernels/cuda/nequip_kernels.hpp"
#endif

namespace mdgpu {
namespace {

// Atoms 0..centres-1 of a structure followed by image copies of them: every copy closer than
// `reach` to some atom of the cell; owner[g] is the atom ghost g copies.
struct GhostedStructure {
  int centres = 0;
  std::vector<double> x, y, z;
  std::vector<int> type, owner;
  std::vector<std::int64_t> offsets;
  std::vector<int> index;
  std::vector<std::int32_t> image;

  int nodes() const { return static_cast<int>(x.size()); }
  double d2(int i, int j) const {
    const double dx = x[j] - x[i], dy = y[j] - y[i], dz = z[j] - z[i];
    return dx * dx + dy * dy + dz * dz;
  }
};

GhostedStructure with_ghosts(const test::Structure& s, double reach) {
  GhostedStructure g;
  g.centres = s.n;
  g.x = s.x;
  g.y = s.y;
  g.z = s.z;
  g.type = s.type;
  const Mat3 cell = s.box.cell();
  int range[3];
  for (int k = 0; k < 3; ++k)
    range[k] = s.box.periodic()[k] ? static_cast<int>(std::ceil(reach / s.box.perpendicular_width(k))) : 0;
  for (int a = -range[0]; a <= range[0]; ++a)
    for (int b = -range[1]; b <= range[1]; ++b)
      for (int c = -range[2]; c <= range[2]; ++c) {
        if (a == 0 && b == 0 && c == 0) continue;
        for (int j = 0; j < s.n; ++j) {
          double r[3];
          for (int k = 0; k < 3; ++k) r[k] = (k == 0 ? s.x : k == 1 ? s.y : s.z)[j] + a * cell[0][k] + b * cell[1][k] + c * cell[2][k];
          bool near = false;
          for (int i = 0; i < s.n && !near; ++i) {
            const double dx = r[0] - s.x[i], dy = r[1] - s.y[i], dz = r[2] - s.z[i];
            near = dx * dx + dy * dy + dz * dz < reach * reach;
          }
          if (!near) continue;
          g.x.push_back(r[0]);
          g.y.push_back(r[1]);
          g.z.push_back(r[2]);
          g.type.push_back(s.type[j]);
          g.owner.push_back(j);
        }
      }
  // A full list within `reach` for every node, ghost-ghost pairs included (the evaluator keeps
  // only what it needs), no images.
  g.offsets.push_back(0);
  for (int i = 0; i < g.nodes(); ++i) {
    for (int j = 0; j < g.nodes(); ++j)
      if (j != i && g.d2(i, j) < reach * reach) g.index.push_back(j);
    g.offsets.push_back(static_cast<std::int64_t>(g.index.size()));
  }
  g.image.assign(g.index.size(), kZeroImage);
  return g;
}

// Ghost g's rows are atom owner[g]'s: copied forward, added back in reverse (device rows through
// a host copy).
class ImageHalo final : public NequipHalo {
public:
  ImageHalo(const GhostedStructure& g, Space space) : g_(g), space_(space) {}
  void forward(const HaloFeatures& f) override {
    if (f.f32) exchange(f.f32, f.width, false);
    else exchange(f.f64, f.width, false);
    ++forwards;
  }
  void reverse(const HaloFeatures& f) override {
    if (f.f32) exchange(f.f32, f.width, true);
    else exchange(f.f64, f.width, true);
    ++reverses;
  }
  int forwards = 0, reverses = 0;

private:
  template <class T>
  void exchange(T* v, int w, bool reverse) const {
    const std::size_t bytes = static_cast<std::size_t>(g_.nodes()) * w * sizeof(T);
    std::vector<T> rows;
    T* h = v;
    if (space_ != Space::Host) {
      rows.resize(static_cast<std::size_t>(g_.nodes()) * w);
      space_copy(Space::Host, rows.data(), space_, v, bytes);
      h = rows.data();
    }
    if (reverse) add(h, w);
    else copy(h, w);
    if (space_ != Space::Host) space_copy(space_, v, Space::Host, rows.data(), bytes);
  }
  template <class T>
  void copy(T* v, int w) const {
    for (std::size_t k = 0; k < g_.owner.size(); ++k)
      std::copy_n(v + static_cast<std::size_t>(g_.owner[k]) * w, w, v + (g_.centres + k) * w);
  }
  template <class T>
  void add(T* v, int w) const {
    for (std::size_t k = 0; k < g_.owner.size(); ++k)
      for (int c = 0; c < w; ++c) v[static_cast<std::size_t>(g_.owner[k]) * w + c] += v[(g_.centres + k) * w + c];
  }
  const GhostedStructure& g_;
  Space space_;
};

template <class V>
Buffer<V> in_space(Space space, const std::vector<V>& host) {
  Buffer<V> b(space, 0);
  if (!host.empty()) b.upload(host);
  return b;
}

// The evaluation of every node by `ev`, whose arrays live in `space`.
test::Quantities ghosted_evaluation(NequipEvaluator& ev, const GhostedStructure& g, std::size_t layers,
                                    const std::vector<int>& type_map, Space space) {
  const int n = g.nodes();
  const auto x = in_space(space, g.x), y = in_space(space, g.y), z = in_space(space, g.z);
  const auto type = in_space(space, g.type), map = in_space(space, type_map), index = in_space(space, g.index);
  const auto offsets = in_space(space, g.offsets);
  const auto image = in_space(space, g.image);
  Buffer<double> fx_out(space, n), fy_out(space, n), fz_out(space, n), per_atom_out(space, g.centres);
  NequipInput in{n, x.data(), y.data(), z.data(), type.data(),
                 NeighborView{n, 0, offsets.data(), index.data(), image.data()}, BoxData{},
                 type_map.empty() ? nullptr : map.data(), g.centres};
  NequipOutput out;
  out.fx = fx_out.data();
  out.fy = fy_out.data();
  out.fz = fz_out.data();
  out.per_atom_energy = per_atom_out.data();
  ImageHalo halo(g, space);
  ev.evaluate(in, out, &halo);
  std::vector<double> fx = fx_out.to_host(), fy = fy_out.to_host(), fz = fz_out.to_host(),
                      per_atom = per_atom_out.to_host();
  EXPECT_EQ(halo.forwards, static_cast<int>(layers) - 1);
  EXPECT_EQ(halo.reverses, static_cast<int>(layers) - 1);
  for (std::size_t k = 0; k < g.owner.size(); ++k) {  // what LAMMPS's reverse communication does
    fx[g.owner[k]] += fx[g.centres + k];
    fy[g.owner[k]] += fy[g.centres + k];
    fz[g.owner[k]] += fz[g.centres + k];
  }
  test::Quantities q{out.energy, per_atom, {}, {}};
  for (int i = 0; i < g.centres; ++i) q.forces.insert(q.forces.end(), {fx[i], fy[i], fz[i]});
  for (const auto& row : out.virial) q.virial.insert(q.virial.end(), row.begin(), row.end());
  return q;
}

test::Quantities standalone(NequipEvaluator& ev, double r_max, const test::Structure& s,
                            const std::vector<int>& type_map) {
  const auto e = test::evaluate(ev, r_max, s, type_map);
  test::Quantities q{e.energy, e.per_atom, {}, {}};
  for (int i = 0; i < s.n; ++i) q.forces.insert(q.forces.end(), {e.fx[i], e.fy[i], e.fz[i]});
  for (const auto& row : e.virial) q.virial.insert(q.virial.end(), row.begin(), row.end());
  return q;
}

// `ev` on the ghosted structures (arrays in `space`) against `standalone` (ev when null) on the
// periodic ones.
void check(const NequipModel& model, std::unique_ptr<NequipEvaluator> ev, const std::vector<std::string>& names,
           const std::vector<int>& type_map = {}, Space space = Space::Host,
           std::unique_ptr<NequipEvaluator> standalone_ev = nullptr) {
  const test::H5File f(test::nequip_small_reference());
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    const auto s = test::reference_structure(f, name);
    const auto g = with_ghosts(s, model.r_max + 0.5);  // beyond r_max: the strict selection is exercised
    ASSERT_GT(g.owner.size(), 0u);
    const auto ref = standalone(standalone_ev ? *standalone_ev : *ev, model.r_max, s, type_map);
    const auto q = ghosted_evaluation(*ev, g, model.layers.size(), type_map, space);
    test::expect_relative(q, ref, 1e-12);
    std::printf("  %-12s %d centres, %zu ghosts: |dE| %.1e |dF| %.1e |dW| %.1e\n", name.c_str(), g.centres,
                g.owner.size(), std::fabs(q.energy - ref.energy), test::max_diff(q.forces, ref.forces),
                test::max_diff(q.virial, ref.virial));
  }
}

std::vector<int> reference_types_of(const NequipModel& model) {
  std::vector<int> map;
  for (const char* name : {"Li", "N", "O", "P"})
    map.push_back(static_cast<int>(std::find(model.type_names.begin(), model.type_names.end(), name) -
                                   model.type_names.begin()));
  return map;
}

const std::vector<std::string> kStructures = {"triclinic24", "slab64"};

TEST(NequipGhosts, SmallModelHostKernels) {
  const std::string file = test::exported_model(test::nequip_small_reference());
  ASSERT_FALSE(file.empty());
  const auto model = NequipModel::load(file);
  check(model, make_nequip_evaluator(model, true), kStructures);
}

TEST(NequipGhosts, SmallModelItemKernels) {
  const std::string file = test::exported_model(test::nequip_small_reference());
  ASSERT_FALSE(file.empty());
  const auto model = NequipModel::load(file);
  check(model, make_nequip_evaluator<double>(model, std::make_unique<nequip::ItemKernels<double, OmpExec>>()),
        {"triclinic24"});
}

TEST(NequipGhosts, SmallModelCudaKernels) {
  MDGPU_BACKEND_OR_SKIP(gpu_backend, std::string("cuda"));
  const std::string file = test::exported_model(test::nequip_small_reference());
  ASSERT_FALSE(file.empty());
  const auto model = NequipModel::load(file);
  check(model, make_nequip_evaluator(model, true, Space::Device), {"triclinic24"}, {}, Space::Device,
        make_nequip_evaluator(model, true));
}

// In chunks of 5 receivers (24 centres: the last chunk partial), the senders' gradients, ghosts'
// included, are summed chunk by chunk (model/nequip_evaluator.cpp).
TEST(NequipGhosts, SmallModelInChunks) {
  const std::string file = test::exported_model(test::nequip_small_reference());
  ASSERT_FALSE(file.empty());
  const auto model = NequipModel::load(file);
  {
    SCOPED_TRACE("host kernels");
    check(model, make_nequip_evaluator<double>(model, make_host_nequip_kernels<double>(), 5), {"triclinic24"});
  }
  {
    SCOPED_TRACE("item kernels");
    check(model, make_nequip_evaluator<double>(model, std::make_unique<nequip::ItemKernels<double, OmpExec>>(), 5),
          {"triclinic24"});
  }
}

#if MDGPU_WITH_CUDA
TEST(NequipGhosts, SmallModelCudaKernelsInChunks) {
  MDGPU_BACKEND_OR_SKIP(gpu_backend, std::string("cuda"));
  const std::string file = test::exported_model(test::nequip_small_reference());
  ASSERT_FALSE(file.empty());
  const auto model = NequipModel::load(file);
  check(model, make_nequip_evaluator<double>(model, cuda::make_nequip_kernels<double>(), 5), {"triclinic24"}, {},
        Space::Device, make_nequip_evaluator(model, true));
}
#endif

// Four layers: three halo exchanges each way.
TEST(NequipGhosts, NequixFourLayers) {
  const auto model = NequipModel::load(std::string(MDGPU_SOURCE_DIR) + "/inputs/models/nequix-mp-1/nequix-mp-1.mdgpu.h5");
  ASSERT_GE(model.layers.size(), 3u);
  check(model, make_nequip_evaluator(model, true), {"triclinic24"}, reference_types_of(model));
}

}  // namespace
}  // namespace mdgpu
