// The NequIP kernels as independent work items — an atom, an edge, or one output element of an
// atom or edge — each a functor calling the MDGPU_HD bodies. An executor runs them:
//
//   Space space() const;
//   void for_each(std::int64_t n, const F& f);        // f(i) for i in [0, n), any order
//   std::int64_t rows(const std::int64_t* counts, int n, std::int64_t* row);
//                                                     // row[0] = 0, row[i+1] = row[i] + counts[i]; returns row[n]
//   R sum(std::int64_t n, const F& f);                // sum of f(i), deterministic for a given n
//
// The CUDA backend runs them as one thread per item (kernels/cuda/nequip_kernels.cu), except the
// messages and their backward, which it replaces by fused warp-per-atom kernels that keep no
// per-edge weights (kernels/cuda/nequip_fused_messages.cuh), and the linears, which it runs as
// tiled GEMMs summing in the same order (kernels/cuda/nequip_linear_gemm.cuh); the host backend with OpenMP loops,
// where it keeps its own cache-blocked versions of the linears and the per-edge messages
// (kernels/host/nequip_host_kernels.cpp). Every item computes its sums in the
// host's order, so for the same transcendental functions both give the same bits.
//
// Unlike the host, the messages keep the radial MLP's activations of every edge of a layer (they
// are recomputed in the backward pass, as on the host, but not per row).
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/fixed_sums.hpp"
#include "kernels/nequip_graph_bodies.hpp"
#include "kernels/nequip_kernels.hpp"

namespace mdgpu::nequip {

namespace items {

using Virial9 = Sums<9>;

struct InvertOrder {
  const int* atom_of;
  int* node_of;
  MDGPU_HD void operator()(std::int64_t v) const { node_of[atom_of[v]] = static_cast<int>(v); }
};

struct MapTypes {
  const int *type, *map, *atom_of;
  int* out;
  MDGPU_HD void operator()(std::int64_t v) const {
    const int t = type[renumbered(atom_of, static_cast<int>(v))];
    out[v] = map ? map[t] : t;
  }
};

struct CountEdges {
  AtomsIn in;
  std::int64_t* counts;
  MDGPU_HD void operator()(std::int64_t a) const { counts[a] = atom_edges(in, static_cast<int>(a), 0, Edges{}); }
};

struct FillEdges {
  AtomsIn in;
  Edges e;
  MDGPU_HD void operator()(std::int64_t a) const {
    if (e.row[a + 1] > e.row[a]) atom_edges(in, static_cast<int>(a), e.row[a], e);
  }
};

// *outgrown = whether the n rows' edges (row[n]) need more than `slots`; *needed then keeps the
// most that any did.
struct CheckSlots {
  const std::int64_t* row;
  int n;
  std::int64_t slots;
  std::int64_t *outgrown, *needed;
  MDGPU_HD void operator()(std::int64_t) const {
    const std::int64_t all = row[n];
    *outgrown = all > slots ? 1 : 0;
    if (all > slots && all > *needed) *needed = all;
  }
};

// Every row empty (row[i] = 0) when the edges outgrew their slots (CheckSlots).
struct EmptyRowsIfOutgrown {
  const std::int64_t* outgrown;
  std::int64_t* row;
  MDGPU_HD void operator()(std::int64_t i) const {
    if (*outgrown) row[i] = 0;
  }
};

struct ReverseEdges {
  Edges e;
  MDGPU_HD void operator()(std::int64_t a) const { atom_reverse_edges(e, static_cast<int>(a)); }
};

struct Count {
  const std::int64_t* counts;
  MDGPU_HD std::int64_t operator()(std::int64_t i) const { return counts[i]; }
};

// 1 for an edge without a reverse (atom_reverse_edges pointed it at itself).
struct MissingReverse {
  Edges e;
  MDGPU_HD std::int64_t operator()(std::int64_t k) const {
    return live_edge(e.row, e.nodes, k) && e.rev[k] == k ? 1 : 0;
  }
};

struct Plus {
  MDGPU_HD std::int64_t operator()(std::int64_t l, std::int64_t r) const { return l + r; }
};

// flag = 1 once some evaluation found `missing` edges without a reverse; kept until read.
struct RaiseFlag {
  const std::int64_t* missing;
  std::int64_t* flag;
  MDGPU_HD void operator()(std::int64_t) const {
    if (*missing > 0) *flag = 1;
  }
};

// An empty slot's features are zeros: work over every slot (the item MLP) reads defined values.
template <class T>
struct EdgeBasisOf {
  EdgeBasis b;
  Edges e;
  EdgeFeatures<T> f;
  MDGPU_HD void operator()(std::int64_t k) const {
    if (live_edge(e.row, e.nodes, k)) return edge_basis(b, e.vec, k, f);
    for (int c = 0; c < b.sh_dim; ++c) f.Y[k * b.sh_dim + c] = T(0);
    for (int c = 0; c < b.num_basis; ++c) f.emb[k * b.num_basis + c] = T(0);
  }
};

template <class T>
struct Embed {
  LinearView L;
  const int* type;
  T* out;
  MDGPU_HD void operator()(std::int64_t a) const {
    onehot_linear_forward(L.paths, L.n_paths, L.W, type[a], out + a * L.dout);
  }
};

// One output element (atom a, feature o) of a linear.
template <class T>
struct LinearElement {
  LinearView L;
  const int* type;
  const T* in;
  T* out;
  MDGPU_HD void operator()(std::int64_t i) const {
    const std::int64_t a = i / L.dout;
    linear_forward_element(L.paths, L.n_paths, L.W, L.types, type ? type[a] : 0, in + a * L.din,
                           static_cast<int>(i % L.dout), out + a * L.dout);
  }
};

template <class T>
struct LinearBackwardElement {
  LinearView L;
  const int* type;
  const T* grad_out;
  T* grad_in;
  MDGPU_HD void operator()(std::int64_t i) const {
    const std::int64_t a = i / L.din;
    linear_backward_element(L.paths, L.n_paths, L.WT, type ? type[a] : 0, grad_out + a * L.dout,
                            static_cast<int>(i % L.din), grad_in + a * L.din);
  }
};

template <class T>
struct Gate {
  GateView G;
  const T* in;
  T* out;
  MDGPU_HD void operator()(std::int64_t a) const {
    gate_forward(G.scalars, G.n_scalars, G.gated, G.n_gated, in + a * G.din, out + a * G.dout);
  }
};

template <class T>
struct GateBackward {
  GateView G;
  const T *in, *grad_out;
  T* grad_in;
  MDGPU_HD void operator()(std::int64_t a) const {
    gate_backward(G.scalars, G.n_scalars, G.gated, G.n_gated, in + a * G.din, grad_out + a * G.dout,
                  grad_in + a * G.din);
  }
};

template <class T>
struct LayerNorm {
  NormView N;
  const T* in;
  T* out;
  MDGPU_HD void operator()(std::int64_t a) const {
    norm_forward(N.blocks, N.n_blocks, N.weights, N.eps, in + a * N.dim, out + a * N.dim);
  }
};

template <class T>
struct LayerNormBackward {
  NormView N;
  const T *in, *grad_out;
  T* grad_in;
  MDGPU_HD void operator()(std::int64_t a) const {
    norm_backward(N.blocks, N.n_blocks, N.weights, N.eps, in + a * N.dim, grad_out + a * N.dim, grad_in + a * N.dim);
  }
};

template <class T>
struct Add {
  const T* x;
  T* y;
  MDGPU_HD void operator()(std::int64_t i) const { y[i] += x[i]; }
};

template <class T>
struct Scale {
  T s;
  T* y;
  MDGPU_HD void operator()(std::int64_t i) const { y[i] *= s; }
};

template <class T>
struct EnergySeed {
  const int* type;
  EnergyScale s;
  T* grad;
  MDGPU_HD void operator()(std::int64_t a) const { grad[a] = T(s.global * s.scales[type[a]]); }
};

// Element (edge, j) of a dense layer: z = x @ W * scale, and h = cst * act(z) for the next layer
// unless this is the last (h == null).
template <class T>
struct DenseForward {
  DenseView<T> d;
  const T* x;
  T *z, *h;
  Act act;
  double cst;
  MDGPU_HD void operator()(std::int64_t i) const {
    const std::int64_t e = i / d.out;
    const T v = dense_dot(x + e * d.in, d.W, d.in, d.out, static_cast<int>(i % d.out), d.scale);
    z[i] = v;
    if (h) h[i] = T(cst) * act_value(act, v);
  }
};

// Element (edge, k) of a dense layer's input gradient: g @ WT * scale, times the activation's
// derivative at the previous layer's pre-activation z_prev (none for the first layer, whose
// gradient is added to `out` instead of written).
template <class T>
struct DenseBackward {
  DenseView<T> d;
  const T *g, *z_prev;
  Act act;
  double cst;
  T* out;
  MDGPU_HD void operator()(std::int64_t i) const {
    const std::int64_t e = i / d.in;
    T v = dense_dot(g + e * d.out, d.WT, d.out, d.in, static_cast<int>(i % d.in), d.scale);
    if (z_prev) {
      v = v * (T(cst) * act_derivative(act, z_prev[i]));
      out[i] = v;
    } else {
      out[i] += v;
    }
  }
};

// Receiver r.r0 + i.
template <class T>
struct AtomMessages {
  TensorProduct<T> tp;
  Edges e;
  Receivers r;
  const T *Y, *w, *x1;
  T* agg;
  MDGPU_HD void operator()(std::int64_t i) const {
    const int a = r.r0 + static_cast<int>(i);
    atom_messages(tp, e, Y, w + e.row[a] * tp.weights, x1, a, agg + i * tp.dmid);
  }
};

// dE/dw and dE/dY of edge k, an edge of the receivers r, from its receiver's message gradient.
template <class T>
struct EdgeMessageGrad {
  TensorProduct<T> tp;
  Edges e;
  Receivers r;
  const T *Y, *w, *x1, *gmsg;
  T *gw, *gY;
  MDGPU_HD void operator()(std::int64_t k) const {
    if (k < e.row[r.r0] || k >= e.row[r.r1]) return;  // gw and gY stay zero
    tp_message_grad_wy(tp.instr, tp.n_instr, tp.cg, Y + k * tp.sh_dim, w + k * tp.weights,
                       x1 + static_cast<std::int64_t>(e.neighbor[k]) * tp.din,
                       gmsg + static_cast<std::int64_t>(e.center[k] - r.r0) * tp.dmid, gw + k * tp.weights,
                       gY + k * tp.sh_dim);
  }
};

template <class T>
struct AtomMessageGradX {
  TensorProduct<T> tp;
  Edges e;
  Receivers r;
  const T *Y, *w, *gmsg;
  T* gx1;
  MDGPU_HD void operator()(std::int64_t a) const {
    std::int64_t k0, k1;
    row_span(e, static_cast<int>(a), r, k0, k1);
    atom_message_grad_x(tp, e, Y, w + k0 * tp.weights, gmsg, r, k0, k1, gx1 + a * tp.din);
  }
};

template <class T>
struct GhostSenderGrad {
  TensorProduct<T> tp;
  Edges e;
  Receivers r;
  const T *Y, *w, *gmsg;
  T* gmirror;
  MDGPU_HD void operator()(std::int64_t k) const {
    if (k >= e.row[r.r0] && k < e.row[r.r1] && e.neighbor[k] >= e.n)
      ghost_sender_grad(tp, e, Y, w + k * tp.weights, gmsg, r, k, gmirror);
  }
};

template <class T>
struct GhostGradX {
  Edges e;
  Receivers r;
  const T* gmirror;
  int din;
  T* gx1;
  MDGPU_HD void operator()(std::int64_t g) const {
    const int a = e.n + static_cast<int>(g);
    ghost_grad_x(e, gmirror, din, a, r, gx1 + static_cast<std::int64_t>(a) * din);
  }
};

template <class T>
struct EdgeGradient {
  EdgeBasis b;
  Edges e;
  EdgeFeatures<T> f;
  double* gvec;
  MDGPU_HD void operator()(std::int64_t k) const {
    if (live_edge(e.row, e.nodes, k)) return edge_gradient(b, e.vec, f, k, gvec);
    for (int c = 0; c < 3; ++c) gvec[3 * k + c] = 0.0;
  }
};

struct AtomForce {
  Edges e;
  const double* gvec;
  const int* atom_of;
  double *fx, *fy, *fz;
  MDGPU_HD void operator()(std::int64_t a) const { atom_force(e, gvec, static_cast<int>(a), atom_of, fx, fy, fz); }
};

struct Zero {
  double* v;
  MDGPU_HD void operator()(std::int64_t i) const { v[i] = 0.0; }
};

struct EdgeVirial {
  Edges e;
  const double* gvec;
  MDGPU_HD Virial9 operator()(std::int64_t k) const {
    Virial9 w{};
    if (live_edge(e.row, e.nodes, k)) add_edge_virial(gvec, e.vec, k, w.v);
    return w;
  }
};

// Node v's energy, written to its atom.
template <class T>
struct AtomEnergy {
  const int* type;
  EnergyScale s;
  const T* raw;
  const int* atom_of;
  double* out;
  MDGPU_HD void operator()(std::int64_t v) const {
    out[renumbered(atom_of, static_cast<int>(v))] = atom_energy(s, type[v], raw[v]);
  }
};

struct Value {
  const double* values;
  MDGPU_HD double operator()(std::int64_t i) const { return values[i]; }
};

}  // namespace items

template <class T, class Exec>
class ItemKernels : public Kernels<T> {
public:
  ItemKernels() {
    for (auto* b : {&z_, &h_, &w_, &gw_, &ga_, &gb_, &gmirror_}) b->set_space(exec_.space());
    counts_.set_space(exec_.space());
    missing_.set_space(exec_.space());
    outgrown_.set_space(exec_.space());
    outgrown_.resize(1);  // here, so that a steady step allocates nothing
    energy_.set_space(exec_.space());
  }
  Space space() const override { return exec_.space(); }

  void invert_order(int n, const int* atom_of, int* node_of) override {
    exec_.for_each(n, items::InvertOrder{atom_of, node_of});
  }
  void model_types(int n, const int* type, const int* type_map, const int* atom_of, int* model_type) override {
    exec_.for_each(n, items::MapTypes{type, type_map, atom_of, model_type});
  }
  void edge_rows_unread(const AtomsIn& in, std::int64_t* row, std::int64_t slots, std::int64_t* needed) override {
    counts_.resize(static_cast<std::size_t>(in.n));
    exec_.for_each(in.n, items::CountEdges{in, counts_.data()});
    exec_.rows_into(counts_.data(), in.n, row);
    exec_.for_each(1, items::CheckSlots{row, in.n, slots, outgrown_.data(), needed});
    exec_.for_each(static_cast<std::int64_t>(in.n) + 1, items::EmptyRowsIfOutgrown{outgrown_.data(), row});
  }
  std::int64_t edge_rows(const AtomsIn& in, std::int64_t* row, std::int64_t& centre_edges) override {
    counts_.resize(static_cast<std::size_t>(in.n));
    exec_.for_each(in.n, items::CountEdges{in, counts_.data()});
    const std::int64_t all = exec_.rows(counts_.data(), in.n, row);
    // Standalone every node is a centre: no second count (on the device, a second synchronisation).
    centre_edges = in.centres == in.n ? all : exec_.template sum<std::int64_t>(in.centres, items::Count{counts_.data()});
    return all;
  }
  void fill_edges(const AtomsIn& in, const Edges& e) override { exec_.for_each(in.n, items::FillEdges{in, e}); }
  void reverse_edges(const Edges& e, std::int64_t* flag) override {
    exec_.for_each(e.nodes, items::ReverseEdges{e});
    missing_.resize(1);
    exec_.reduce_into(e.all, std::int64_t{0}, items::MissingReverse{e}, items::Plus{}, missing_.data());
    exec_.for_each(1, items::RaiseFlag{missing_.data(), flag});
  }
  void edge_basis(const Edges& e, const EdgeBasis& b, const EdgeFeatures<T>& f) override {
    exec_.for_each(e.count, items::EdgeBasisOf<T>{b, e, f});
  }

  void embed(int n, const int* model_type, const LinearView& L, T* out) override {
    exec_.for_each(n, items::Embed<T>{L, model_type, out});
  }
  void linear(int n, const LinearView& L, const int* type, const T* in, T* out) override {
    exec_.for_each(static_cast<std::int64_t>(n) * L.dout, items::LinearElement<T>{L, type, in, out});
  }
  void linear_backward(int n, const LinearView& L, const int* type, const T* grad_out, T* grad_in) override {
    exec_.for_each(static_cast<std::int64_t>(n) * L.din, items::LinearBackwardElement<T>{L, type, grad_out, grad_in});
  }
  void gate(int n, const GateView& G, const T* in, T* out) override { exec_.for_each(n, items::Gate<T>{G, in, out}); }
  void gate_backward(int n, const GateView& G, const T* in, const T* grad_out, T* grad_in) override {
    exec_.for_each(n, items::GateBackward<T>{G, in, grad_out, grad_in});
  }
  void layer_norm(int n, const NormView& N, const T* in, T* out) override {
    exec_.for_each(n, items::LayerNorm<T>{N, in, out});
  }
  void layer_norm_backward(int n, const NormView& N, const T* in, const T* grad_out, T* grad_in) override {
    exec_.for_each(n, items::LayerNormBackward<T>{N, in, grad_out, grad_in});
  }
  void add(std::int64_t count, const T* x, T* y) override { exec_.for_each(count, items::Add<T>{x, y}); }
  void scale(std::int64_t count, T s, T* y) override { exec_.for_each(count, items::Scale<T>{s, y}); }
  void energy_seed(int n, const int* model_type, const EnergyScale& s, T* grad) override {
    exec_.for_each(n, items::EnergySeed<T>{model_type, s, grad});
  }

  // The radial MLP of every edge, whatever the chunk: a sender's gradient takes the weights of
  // its own edges, which are not the chunk's (the fused CUDA kernels recompute only what they use).
  void messages(const Edges& e, Receivers r, const EdgeFeatures<T>& f, const RadialMlp<T>& mlp,
                const TensorProduct<T>& tp, const T* x1, T* agg) override {
    mlp_forward(e.count, f.emb, mlp);
    exec_.for_each(r.count(), items::AtomMessages<T>{tp, e, r, f.Y, w_.data(), x1, agg});
  }
  void messages_backward(const Edges& e, Receivers r, const EdgeFeatures<T>& f, const RadialMlp<T>& mlp,
                         const TensorProduct<T>& tp, const T* x1, const T* gmsg, T* gx1) override {
    mlp_forward(e.count, f.emb, mlp);
    gw_.resize(static_cast<std::size_t>(e.count) * tp.weights);
    gw_.zero();
    exec_.for_each(e.count, items::EdgeMessageGrad<T>{tp, e, r, f.Y, w_.data(), x1, gmsg, gw_.data(), f.gY});
    exec_.for_each(e.n, items::AtomMessageGradX<T>{tp, e, r, f.Y, w_.data(), gmsg, gx1});
    if (e.nodes > e.n) {
      exec_.for_each(e.count, items::GhostSenderGrad<T>{tp, e, r, f.Y, w_.data(), gmsg, ghost_grads(e, tp.din)});
      gather_ghost_grads(e, r, tp.din, gx1);
    }
    mlp_backward(e.count, mlp, f.gemb);
  }

  void forces(const Edges& e, const EdgeBasis& b, const EdgeFeatures<T>& f, const int* atom_of, double* gvec,
              double* fx, double* fy, double* fz) override {
    exec_.for_each(e.count, items::EdgeGradient<T>{b, e, f, gvec});
    exec_.for_each(3 * (e.all - e.count), items::Zero{gvec + 3 * e.count});
    exec_.for_each(e.nodes, items::AtomForce{e, gvec, atom_of, fx, fy, fz});
  }
  std::array<double, 9> virial(const Edges& e, const double* gvec) override {
    const items::Virial9 w = exec_.template sum<items::Virial9>(e.count, items::EdgeVirial{e, gvec});
    std::array<double, 9> out;
    std::copy(w.v, w.v + 9, out.begin());
    return out;
  }
  double energy(int n, const int* model_type, const EnergyScale& s, const T* raw, const int* atom_of,
                double* per_atom) override {
    if (!per_atom) {
      energy_.resize(static_cast<std::size_t>(n));
      per_atom = energy_.data();
    }
    exec_.for_each(n, items::AtomEnergy<T>{model_type, s, raw, atom_of, per_atom});
    return exec_.template sum<double>(n, items::Value{per_atom});
  }

protected:
  // The ghost senders' gradients, tp.din per mirror edge (ghost_sender_grad writes them).
  T* ghost_grads(const Edges& e, int din) {
    gmirror_.resize(static_cast<std::size_t>(e.all - e.count) * din);
    return gmirror_.data();
  }
  // gx1 of the ghost nodes += their mirror edges' gradients from the receivers r.
  void gather_ghost_grads(const Edges& e, Receivers r, int din, T* gx1) {
    exec_.for_each(e.nodes - e.n, items::GhostGradX<T>{e, r, gmirror_.data(), din, gx1});
  }

  Exec exec_;

private:
  // Start of dense layer j's activations in z_ / h_ (hidden layers only, [edge][width] each).
  static std::int64_t hidden_offset(const RadialMlp<T>& mlp, std::int64_t edges, int j) {
    std::int64_t off = 0;
    for (int i = 0; i < j; ++i) off += edges * mlp.dense[i].out;
    return off;
  }

  // The TP weights of every edge into w_, keeping the hidden pre-activations (z_) and
  // activations (h_) for mlp_backward.
  void mlp_forward(std::int64_t edges, const T* emb, const RadialMlp<T>& mlp) {
    const int last = mlp.layers - 1;
    z_.resize(static_cast<std::size_t>(hidden_offset(mlp, edges, last)));
    h_.resize(z_.size());
    w_.resize(static_cast<std::size_t>(edges) * mlp.dense[last].out);
    const T* x = emb;
    for (int j = 0; j <= last; ++j) {
      const DenseView<T>& d = mlp.dense[j];
      const std::int64_t off = hidden_offset(mlp, edges, j);
      T* z = j < last ? z_.data() + off : w_.data();
      T* h = j < last ? h_.data() + off : nullptr;
      exec_.for_each(edges * d.out, items::DenseForward<T>{d, x, z, h, mlp.act, mlp.cst});
      x = h;
    }
  }

  // From dE/dw in gw_ back to the embedding: gemb += dE/d(embedding).
  void mlp_backward(std::int64_t edges, const RadialMlp<T>& mlp, T* gemb) {
    int width = 0;
    for (int j = 1; j < mlp.layers; ++j) width = std::max(width, mlp.dense[j].in);
    ga_.resize(static_cast<std::size_t>(edges) * width);
    gb_.resize(ga_.size());
    const T* g = gw_.data();
    for (int j = mlp.layers - 1; j >= 0; --j) {
      const DenseView<T>& d = mlp.dense[j];
      const T* z_prev = j > 0 ? z_.data() + hidden_offset(mlp, edges, j - 1) : nullptr;
      T* out = j == 0 ? gemb : (g == ga_.data() ? gb_.data() : ga_.data());
      exec_.for_each(edges * d.in, items::DenseBackward<T>{d, g, z_prev, mlp.act, mlp.cst, out});
      g = out;
    }
  }

  // Radial-MLP work of one layer over all edges, and the per-atom energies when not asked for.
  Buffer<T> z_, h_, w_, gw_, ga_, gb_, gmirror_;
  Buffer<std::int64_t> counts_, missing_, outgrown_;
  Buffer<double> energy_;
};

}  // namespace mdgpu::nequip
