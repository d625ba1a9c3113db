// Plain views that the NequIP kernels take: the graph of edges within r_max, the per-edge
// features, and one view per kind of network piece. They own nothing; every pointer is in the
// kernels' memory space except RadialMlp::dense, which the launching side reads on the host.
#pragma once

#include <cstdint>

#include "core/box_data.hpp"
#include "kernels/nequip_bodies.hpp"
#include "kernels/views.hpp"

namespace mdgpu::nequip {

// Positions and full neighbor list (cut-off >= r_max) of the evaluation: n nodes, of which the
// first `centres` own their energy (the rest are ghosts: copies of other ranks' or images' atoms,
// whose list needs to hold only their centre neighbours). Node k is atom atom_of[k] (a spatial
// order, NeighborView::order) and atom a is node node_of[a]; both null: node k is atom k. The
// positions and the list are indexed by atom, everything the graph holds by node.
struct AtomsIn {
  int n = 0;
  const double *x = nullptr, *y = nullptr, *z = nullptr;
  NeighborView neighbors;
  BoxData box;
  double r_max2 = 0.0;  // edges are the pairs with |r|^2 < r_max2 (strictly, as nequip)
  int centres = 0;
  const int *atom_of = nullptr, *node_of = nullptr;
};

// i through a renumbering (atom_of, node_of), or i itself when there is none.
MDGPU_HD int renumbered(const int* map, int i) { return map ? map[i] : i; }

// The edges in receiver-sorted CSR order: row `center` holds edges row[center]..row[center+1],
// each pointing at `neighbor` (the message's sender) through an image; vec = r_neighbor - r_center
// (3 per edge, float64); rev = the same pair seen from the neighbor.
// The rows of the n centres come first and hold the `count` edges that carry messages; the rows
// of the ghosts (nodes n..nodes-1) hold mirror edges only, ghost -> centre, up to row[nodes]:
// their rev is the message edge, and they let a ghost gather what it sent without atomics.
// A standalone forces-only evaluation on the device (every node a centre) does not read the edge
// count back: count = all = the slots it sized without it (model/nequip_evaluator.hpp), the
// edges fill row[0..nodes) (every row empty if they would not fit) and per-edge work beyond
// row[nodes] does nothing (live_edge).
struct Edges {
  int n = 0;
  std::int64_t count = 0;
  int nodes = 0;
  std::int64_t all = 0;  // row[nodes]: count + the mirror edges
  const std::int64_t* row = nullptr;
  int *center = nullptr, *neighbor = nullptr;
  std::int32_t* image = nullptr;
  double* vec = nullptr;
  std::int64_t* rev = nullptr;
};

// Whether slot k of the edges holds an edge (row points at the Edges' row, nodes its node count).
MDGPU_HD bool live_edge(const std::int64_t* row, int nodes, std::int64_t k) { return k < row[nodes]; }

// Radial basis and spherical harmonics of the edges.
struct EdgeBasis {
  int sh_lmax = 0, sh_dim = 1, num_basis = 0;
  double r_max = 0.0, cutoff_p = 6.0;
  const double* bessel = nullptr;  // num_basis
};

// Per-edge features: harmonics Y (sh_dim), radial embedding (num_basis), and the gradients of the
// energy with respect to both. Their derivatives with respect to the edge vector are recomputed
// from it by the forces, not kept.
template <class T>
struct EdgeFeatures {
  T *Y = nullptr, *emb = nullptr, *gY = nullptr, *gemb = nullptr;
};

// An e3nn Linear: paths, weights W and their transpose WT (float64), `types` weight slices.
struct LinearView {
  const LinearPath* paths = nullptr;
  int n_paths = 0;
  const double *W = nullptr, *WT = nullptr;
  int types = 1;
  int din = 0, dout = 0;  // feature widths of one atom
};

// One layer of the radial MLP: x @ W * scale, W [in][out] and WT [out][in]. The last layer of a
// float32 network also has W split into TF32 parts, W = W_hi + W_lo ([in][out] each,
// kernels/tf32_split.hpp), for the fused kernels' 3xTF32 products; null elsewhere.
template <class T>
struct DenseView {
  int in = 0, out = 0;
  const T *W = nullptr, *WT = nullptr;
  T scale = T(1);
  const T *W_hi = nullptr, *W_lo = nullptr;
};

// The radial MLP of a layer: the embedding through `layers` dense layers, the activation between.
template <class T>
struct RadialMlp {
  const DenseView<T>* dense = nullptr;  // host memory: the launching side loops over the layers
  int layers = 0;
  Act act = Act::Silu;
  double cst = 1.0;
};

// The 'uvu' tensor product of a layer: instructions, coupling tables, feature widths.
template <class T>
struct TensorProduct {
  const TpInstr* instr = nullptr;
  int n_instr = 0;
  const T* cg = nullptr;
  int weights = 0;         // per edge (the radial MLP's output width)
  int din = 0, dmid = 0;   // sender features, aggregated message
  int sh_lmax = 0, sh_dim = 1;
  T scale = T(1);          // 1 / sqrt(avg_num_neighbors)
};

struct GateView {
  const GateScalars* scalars = nullptr;
  int n_scalars = 0;
  const GateGated* gated = nullptr;
  int n_gated = 0;
  int din = 0, dout = 0;
};

// RMS layer norm of a layer's convolution output (kernels/nequip_layer_norm.hpp).
struct NormView {
  const NormBlock* blocks = nullptr;
  int n_blocks = 0;
  const double* weights = nullptr;  // affine weight per channel
  double eps = 0.0;
  int dim = 0;  // feature width of one atom
};

// Per-species rescaling of the atomic energies: E_i = global * (shift[t] + scale[t] * raw_i).
struct EnergyScale {
  const double *scales = nullptr, *shifts = nullptr;
  double global = 1.0;
};

}  // namespace mdgpu::nequip
