// The NequIP graph numbers its nodes in the neighbor list's spatial order (NeighborView::order;
// model/nequip_evaluator.hpp): the graph the evaluator fills really is numbered in the list's
// order, and the results, which it hands back by atom, do not depend on the atoms' order: a
// structure with its atoms shuffled gives the same energy and virial and the shuffled per-atom
// energies and forces, within the float64 agreement the CUDA tests ask of different summation
// orders (tests/test_nequip_cuda.cpp), on the host and on the CUDA backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "kernels/host/omp_exec.hpp"
#include "kernels/neighbor_bodies.hpp"
#include "kernels/nequip_item_kernels.hpp"
#include "nequip_compare.hpp"
#include "nequip_fixture.hpp"
#include "nequip_reference_check.hpp"
#include "tests/backends.hpp"

namespace mdgpu {
namespace {

using test::Quantities;

// Results of the permuted structure back in the atoms' first numbering.
Quantities unpermuted(const Quantities& q, const std::vector<int>& p) {
  Quantities out = q;
  for (std::size_t i = 0; i < p.size(); ++i) {
    out.per_atom[p[i]] = q.per_atom[i];
    for (int c = 0; c < 3; ++c) out.forces[3 * p[i] + c] = q.forces[3 * i + c];
  }
  return out;
}

TEST(NequipOrder, ShuffledAtomsGiveShuffledResults) {
  const std::string file = test::nequip_small_reference();
  const std::string model_file = test::exported_model(file);
  ASSERT_FALSE(model_file.empty());
  const NequipModel model = NequipModel::load(model_file);
  auto ev = make_nequip_evaluator(model, true);
  const test::H5File f(file);
  for (const char* name : {"triclinic24", "slab64", "lipon124"}) {
    SCOPED_TRACE(name);
    const test::Structure s = test::reference_structure(f, name);
    const std::vector<int> p = test::shuffled(s.n, 1);
    const auto evaluate = [&](const test::Structure& atoms) {
      return test::quantities_of(test::evaluate(*ev, model.r_max, atoms));
    };
    test::expect_relative(unpermuted(evaluate(test::permuted(s, p)), p), evaluate(s), 1e-11);
  }
}

// The CUDA kernels through the potential on the backend's own atoms and list (the emulator's
// device without a GPU: the small structures only).
TEST(NequipOrder, ShuffledAtomsGiveShuffledResultsCuda) {
  MDGPU_BACKEND_OR_SKIP(gpu_backend, std::string("cuda"));
  const std::string file = test::nequip_small_reference();
  const std::string model_file = test::exported_model(file);
  ASSERT_FALSE(model_file.empty());
  const test::H5File f(file);
  for (const char* name : {"triclinic24", "slab64"}) {
    SCOPED_TRACE(name);
    const test::Structure s = test::reference_structure(f, name);
    const std::vector<int> p = test::shuffled(s.n, 2);
    const auto evaluate = [&](const test::Structure& atoms) {
      return test::potential_quantities(model_file, "float64", test::as_system(atoms, name), "cuda");
    };
    test::expect_relative(unpermuted(evaluate(test::permuted(s, p)), p), evaluate(s), 1e-11);
  }
}

// The graph as the evaluator filled it: the order it numbered its nodes in, each node's row of
// neighbor nodes.
struct Graph {
  std::vector<int> atom_of;
  std::vector<std::int64_t> row;
  std::vector<int> neighbor;
};

// The host's item kernels, copying the graph once filled.
class GraphCopy final : public nequip::ItemKernels<double, OmpExec> {
public:
  explicit GraphCopy(Graph& out) : out_(out) {}
  void fill_edges(const nequip::AtomsIn& in, const nequip::Edges& e) override {
    ItemKernels::fill_edges(in, e);
    out_.atom_of = in.atom_of ? std::vector<int>(in.atom_of, in.atom_of + in.n) : std::vector<int>();
    out_.row.assign(e.row, e.row + e.nodes + 1);
    out_.neighbor.assign(e.neighbor, e.neighbor + e.row[e.nodes]);
  }

private:
  Graph& out_;
};

// Node v of the graph is atom order[v] of the list the evaluation was given, and its row holds,
// in ascending node numbers, the nodes of that atom's listed neighbors within r_max. The oracle:
// the same list built here (the same positions give the same list and order), read on the host.
TEST(NequipOrder, GraphIsNumberedInTheListOrder) {
  const std::string file = test::nequip_small_reference();
  const std::string model_file = test::exported_model(file);
  ASSERT_FALSE(model_file.empty());
  const NequipModel model = NequipModel::load(model_file);
  Graph graph;
  auto ev = make_nequip_evaluator<double>(model, std::make_unique<GraphCopy>(graph));
  const test::Structure s = test::reference_structure(test::H5File(file), "lipon124");
  test::evaluate(*ev, model.r_max, s);

  auto backend = make_backend("cpu", 0);
  Atoms atoms(Space::Host, test::as_system(s, "lipon124"));
  const AtomsView view = atoms.view();
  NeighborList list(*backend, model.r_max, 0.4);  // as test::evaluate builds it
  list.update(view, s.box, true);
  const NeighborView nl = list.view();
  const std::vector<int> order(nl.order, nl.order + s.n);
  ASSERT_EQ(graph.atom_of, order);
  std::vector<int> identity(s.n);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_NE(order, identity);  // the structure's atoms are not in bin order: the test tells
  std::vector<int> node_of(s.n);
  for (int v = 0; v < s.n; ++v) node_of[order[v]] = v;

  ASSERT_EQ(graph.row.size(), static_cast<std::size_t>(s.n) + 1);
  for (int v = 0; v < s.n; ++v) {
    SCOPED_TRACE(v);
    const std::vector<int> row(graph.neighbor.begin() + graph.row[v], graph.neighbor.begin() + graph.row[v + 1]);
    EXPECT_TRUE(std::is_sorted(row.begin(), row.end()));
    std::vector<int> expected;
    const int a = order[v];
    for (std::int64_t p = nl.offsets[a]; p < nl.offsets[a + 1]; ++p) {
      double r[3];
      neighbor_vector(nl, s.box.data(), view.x, view.y, view.z, a, p, r);
      if (r[0] * r[0] + r[1] * r[1] + r[2] * r[2] < model.r_max * model.r_max) expected.push_back(node_of[nl.index[p]]);
    }
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(row, expected);
  }
}

}  // namespace
}  // namespace mdgpu
