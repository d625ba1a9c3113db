// The data flow of one NequIP evaluation, written once for every platform: the kernels do the
// work, this file owns the buffers and says what feeds what.
#include "model/nequip_evaluator.hpp"

#include <algorithm>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/errors.hpp"
#include "kernels/host/nequip_host_kernels.hpp"
#include "model/nequip_buffers.hpp"
#include "model/nequip_network.hpp"
#if MDGPU_WITH_CUDA
#include "kernels/cuda/nequip_kernels.hpp"
#endif

namespace mdgpu {
namespace {

template <class V>
void resize_zeroed(Buffer<V>& b, std::size_t n) {
  b.resize(n);
  b.zero();
}

template <class T>
HaloFeatures halo_features(Buffer<T>& b, int width) {
  HaloFeatures h;
  if constexpr (std::is_same_v<T, float>) h.f32 = b.data();
  else h.f64 = b.data();
  h.width = width;
  return h;
}

template <class T>
class Evaluator final : public NequipEvaluator {
public:
  Evaluator(const NequipModel& model, std::unique_ptr<nequip::Kernels<T>> kernels, int chunk)
      : m_(model), k_(std::move(kernels)), space_(k_->space()), net_(space_, model), chunk_(chunk) {
    if (chunk_ < 1) throw RuntimeFailure("NequIP: chunk of fewer than one atom (internal error)");
    x_.resize(model.layers.size());
    for (auto& b : x_) b.set_space(space_);
    for (auto* b : {&Y_, &emb_, &gY_, &gemb_, &x1_, &msg_, &raw_, &gx1_, &graw_, &pre_, &normed_, &out_, &hidden_,
                    &gpre_, &gnormed_})
      b->set_space(space_);
    for (auto* b : {&row_, &rev_, &checks_}) b->set_space(space_);
    resize_zeroed(checks_, 2);
    for (auto* b : {&type_, &node_, &center_, &neighbor_}) b->set_space(space_);
    image_.set_space(space_);
    vec_.set_space(space_);
    gvec_.set_space(space_);
  }

  void evaluate(const NequipInput& in, NequipOutput& out, NequipHalo* halo) override {
    n_ = in.n;
    c_ = in.centres < 0 ? in.n : in.centres;
    if (c_ > n_) throw RuntimeFailure("NequIP: more centres than atoms (internal error)");
    halo_ = halo;
    build_graph(in, out.tally);
    const std::int64_t spare = room_ - edges_.all;  // slots beyond the edges (build_graph)
    allocate(nequip_buffer_sizes(m_, n_, edges_.count + spare, room_, chunk_));
    edge_features();
    forward();
    backward();
    finish(out);
  }

  void check_deferred() override {
    if (read_checks()[kUnpaired] != 0)
      throw RuntimeFailure(c_ < n_ ? "NequIP: a ghost atom lacks a centre neighbor (ghost cut-off too short?)"
                                   : "NequIP: the neighbor list is not symmetric (internal error)");
  }

  bool settle() override {
    const std::int64_t needed = read_checks()[kNeeded];
    if (needed == 0) return false;
    slots_ = std::max(slots_, nequip_edge_slots(needed));
    space_zero(space_, checks_.data() + kNeeded, sizeof(std::int64_t));
    return true;
  }

  void limit_edge_slots_for_tests(std::int64_t slots) override { slots_limit_ = slots; }

private:
  // Work over every node (n_) or over the centres only (c_, in chunks); the per-node buffers hold
  // every node.
  std::size_t per_atom(int width) const { return static_cast<std::size_t>(n_) * width; }

  // The edges within r_max (strictly, as nequip), each with its reverse.
  // A standalone forces-only evaluation on the device leaves the edge count on the device (no
  // synchronisation), in slots that it sizes without it (unread_slots). Its reverse-edge check
  // (an internal error) is then read by check_deferred(). An evaluation that reads results
  // (`tally`, which synchronises anyway) counts its edges and checks at once; its count sizes
  // the slots of the unread ones that follow, which it makes room for (room_: the per-edge
  // buffers then keep their size from step to step).
  void build_graph(const NequipInput& in, bool tally) {
    number_nodes(in.neighbors.order);
    type_.resize(per_atom(1));
    k_->model_types(n_, in.type, in.type_map, atom_of_, type_.data());
    const nequip::AtomsIn atoms{in.n, in.x, in.y, in.z, in.neighbors, in.box, m_.r_max * m_.r_max, c_,
                                atom_of_, atom_of_ ? node_.data() : nullptr};
    row_.resize(per_atom(1) + 1);
    const bool standalone_device = space_ == Space::Device && c_ == n_ && in.neighbors.pairs >= 0;
    const bool unread = standalone_device && !tally;
    std::int64_t E = unread ? unread_slots(in.neighbors) : 0;
    const std::int64_t all = unread ? E : k_->edge_rows(atoms, row_.data(), E);
    if (unread) k_->edge_rows_unread(atoms, row_.data(), E, checks_.data() + kNeeded);
    else if (standalone_device) slots_ = std::max(slots_, nequip_edge_slots(all));
    room_ = standalone_device ? std::max(all, std::min(slots_, in.neighbors.pairs)) : all;
    const auto every = static_cast<std::size_t>(room_);
    center_.resize(every);
    neighbor_.resize(every);
    image_.resize(every);
    vec_.resize(3 * every);
    rev_.resize(every);
    edges_ = {c_, E, n_, all, row_.data(), center_.data(), neighbor_.data(), image_.data(), vec_.data(), rev_.data()};
    k_->fill_edges(atoms, edges_);
    k_->reverse_edges(edges_, checks_.data() + kUnpaired);
    if (!unread) check_deferred();
  }

  // Slots for edges whose count is not read: the list's pairs bound it, and are all there is to go
  // by in steps that cannot be redone; in those that can (NeighborView::deferred), the count last
  // read with headroom (slots_), once there is one.
  std::int64_t unread_slots(const NeighborView& list) const {
    if (!list.deferred || slots_ == 0) return list.pairs;
    const std::int64_t slots = slots_limit_ >= 0 ? std::min(slots_, slots_limit_) : slots_;
    return std::min(slots, list.pairs);
  }

  std::vector<std::int64_t> read_checks() {
    std::vector<std::int64_t> checks;
    checks_.download(checks);
    return checks;
  }

  // Node k is atom order[k], the neighbor list's spatial order (NeighborView::order): the rows of
  // neighboring receivers then share senders, whose features a device's caches keep. The inverse
  // (node_) is made again at every evaluation, on the evaluator's side (a recorded evaluation reads
  // the order of the last rebuild). Evaluations with ghosts keep the atoms' own order: their halo
  // exchange addresses rows by atom.
  void number_nodes(const int* order) {
    atom_of_ = c_ == n_ && !halo_ ? order : nullptr;
    if (!atom_of_) return;
    node_.resize(per_atom(1));
    k_->invert_order(n_, atom_of_, node_.data());
  }

  // The per-edge and per-node buffers at their sizes for this graph (model/nequip_buffers.hpp);
  // the layers then use them at their own widths, never beyond.
  void allocate(const NequipBufferSizes& s) {
    for (std::size_t l = 0; l < x_.size(); ++l) x_[l].resize(s.x[l]);
    const std::pair<Buffer<T>*, std::size_t> sized[] = {
        {&Y_, s.Y},     {&emb_, s.emb},       {&gY_, s.gY},   {&gemb_, s.gemb},     {&x1_, s.x1},
        {&msg_, s.msg}, {&raw_, s.raw},       {&gx1_, s.gx1}, {&graw_, s.graw},     {&pre_, s.pre},
        {&normed_, s.normed}, {&out_, s.out}, {&hidden_, s.hidden}, {&gpre_, s.gpre}, {&gnormed_, s.gnormed}};
    for (const auto& [b, count] : sized) b->resize(count);
    gvec_.resize(s.gvec);
  }

  // Harmonics and radial embedding of the message edges; their gradients start at zero.
  void edge_features() {
    gY_.zero();
    gemb_.zero();
    f_ = {Y_.data(), emb_.data(), gY_.data(), gemb_.data()};
    k_->edge_basis(edges_, net_.edge_basis(), f_);
  }

  void forward() {
    const auto& layers = net_.layers();
    resize_zeroed(x_[0], per_atom(m_.embedding.out.dim()));
    k_->embed(n_, type_.data(), net_.embedding().view(), x_[0].data());
    resize_zeroed(raw_, per_atom(1));
    for (std::size_t l = 0; l < layers.size(); ++l) {
      const LayerPlan& P = layers[l].plan();
      const bool last = l + 1 == layers.size();
      // The ghosts' input features: the embedding (from the species) before the first layer, their
      // owners' previous layer output after it.
      if (l > 0 && halo_) halo_->forward(halo_features(x_[l], P.in.dim()));
      senders(l);
      if (!last) resize_zeroed(x_[l + 1], per_atom(P.out.dim()));
      for_each_chunk([&](int a0, int count) {
        messages(l, a0, count);
        T* out = last ? out_.data() : x_[l + 1].data() + row(a0, P.out.dim());
        k_->gate(count, layers[l].gate(), gate_input(l, a0, count), out);
        if (P.resnet) k_->add(static_cast<std::int64_t>(count) * P.out.dim(), x_[l].data() + row(a0, P.in.dim()), out);
        if (last) head(a0, count);
      });
    }
  }

  // Output head of a chunk of the last layer's output (out_): two linears, no nonlinearity
  // between them, into raw_.
  void head(int a0, int count) {
    resize_zeroed(hidden_, static_cast<std::size_t>(count) * m_.head_hidden.out.dim());
    k_->linear(count, net_.head_hidden().view(), nullptr, out_.data(), hidden_.data());
    k_->linear(count, net_.head_out().view(), nullptr, hidden_.data(), raw_.data() + a0);
  }

  // What layer l's messages carry, from its input x_[l]: x1_ of every node (a ghost sends
  // messages). The backward pass calls it again for every layer but the last, whose x1_ it still
  // holds (activation checkpointing: only the layer inputs are kept).
  void senders(std::size_t l) {
    const LayerWeights<T>& L = net_.layers()[l];
    resize_zeroed(x1_, per_atom(L.plan().in.dim()));
    k_->linear(n_, L.linear_1().view(), nullptr, x_[l].data(), x1_.data());
  }

  // Layer l's aggregated messages of centres a0..a0 + count into msg_ (one chunk: the messages of
  // every centre are never held at once).
  void messages(std::size_t l, int a0, int count) {
    const LayerWeights<T>& L = net_.layers()[l];
    resize_zeroed(msg_, static_cast<std::size_t>(count) * L.plan().mid.dim());
    k_->messages(edges_, {a0, a0 + count}, f_, L.mlp(), L.tensor_product(), x1_.data(), msg_.data());
  }

  // The gate's input of centres a0..a0 + count of layer l, from its messages (msg_) and input:
  // pre_, then normed_ when the layer has a norm (both one chunk).
  const T* gate_input(std::size_t l, int a0, int count) {
    const LayerWeights<T>& L = net_.layers()[l];
    const LayerPlan& P = L.plan();
    const std::size_t width = static_cast<std::size_t>(count) * P.conv_out.dim();
    resize_zeroed(pre_, width);
    k_->linear(count, L.linear_2().view(), nullptr, msg_.data(), pre_.data());
    if (P.use_sc)
      k_->linear(count, L.self_connection().view(), sc_types(P, a0), x_[l].data() + row(a0, P.in.dim()), pre_.data());
    if (P.norm.empty()) return pre_.data();
    normed_.resize(width);
    k_->layer_norm(count, L.norm(), pre_.data(), normed_.data());
    return normed_.data();
  }

  // Layer by layer from the last, each layer input's buffer x_[l] becomes dE/dx[l] (chunk by
  // chunk, once the chunk's gate input is made from it), which is the gradient of the layer
  // before's output; the last layer's comes from the head, chunk by chunk. The messages of a
  // chunk are recomputed, then go back to the senders' gx1_ at once, which sums over the chunks;
  // the last layer's single chunk is still in msg_ from the forward pass.
  void backward() {
    graw_.resize(per_atom(1));
    k_->energy_seed(c_, type_.data(), net_.energy_scale(), graw_.data());
    const auto& layers = net_.layers();
    for (std::size_t l = layers.size(); l-- > 0;) {
      const LayerWeights<T>& L = layers[l];
      const LayerPlan& P = L.plan();
      const bool last = l + 1 == layers.size();
      if (!last) senders(l);
      const bool kept = last && c_ <= chunk_;
      resize_zeroed(gx1_, per_atom(P.in.dim()));
      // dE/d(layer output) of the centres -> dE/d(layer input) of every node into x_[l], and
      // msg_ = dE/d(message) of the chunk -> gx1_ and the edge gradients; the ghosts' rows of
      // x_[l] then go to their owners, whose rows become complete.
      for_each_chunk([&](int a0, int count) {
        if (!kept) messages(l, a0, count);
        const T* in = gate_input(l, a0, count);
        const T* grad = last ? head_backward(a0, count) : x_[l + 1].data() + row(a0, P.out.dim());
        const std::size_t conv = static_cast<std::size_t>(count) * P.conv_out.dim();
        resize_zeroed(gpre_, conv);
        k_->gate_backward(count, L.gate(), in, grad, gpre_.data());
        if (!P.norm.empty()) {
          resize_zeroed(gnormed_, conv);
          k_->layer_norm_backward(count, L.norm(), pre_.data(), gpre_.data(), gnormed_.data());
          std::swap(gpre_, gnormed_);
        }
        const std::int64_t width = static_cast<std::int64_t>(count) * P.in.dim();
        T* gx = x_[l].data() + row(a0, P.in.dim());
        space_zero(space_, gx, static_cast<std::size_t>(width) * sizeof(T));
        if (P.resnet) k_->add(width, grad, gx);
        if (P.use_sc) k_->linear_backward(count, L.self_connection().view(), sc_types(P, a0), gpre_.data(), gx);
        const std::int64_t mid = static_cast<std::int64_t>(count) * P.mid.dim();
        T* gmsg = msg_.data();
        space_zero(space_, gmsg, static_cast<std::size_t>(mid) * sizeof(T));
        k_->linear_backward(count, L.linear_2().view(), nullptr, gpre_.data(), gmsg);
        k_->scale(mid, L.tensor_product().scale, gmsg);
        k_->messages_backward(edges_, {a0, a0 + count}, f_, L.mlp(), L.tensor_product(), x1_.data(), gmsg,
                              gx1_.data());
      });
      Buffer<T>& gx = x_[l];
      if (c_ < n_) {  // the ghosts' rows, which no chunk covers
        const std::size_t centres = row(c_, P.in.dim());
        space_zero(space_, gx.data() + centres, (per_atom(P.in.dim()) - centres) * sizeof(T));
      }
      k_->linear_backward(n_, L.linear_1().view(), nullptr, gx1_.data(), gx.data());
      if (l > 0 && halo_) halo_->reverse(halo_features(gx, P.in.dim()));
    }
  }

  // dE/d(last layer's output) of centres a0..a0 + count from the head, into out_ (its hidden
  // layer's gradient in hidden_): both are spent once the forward pass is done.
  const T* head_backward(int a0, int count) {
    resize_zeroed(hidden_, static_cast<std::size_t>(count) * m_.head_hidden.out.dim());
    k_->linear_backward(count, net_.head_out().view(), nullptr, graw_.data() + a0, hidden_.data());
    resize_zeroed(out_, static_cast<std::size_t>(count) * m_.head_hidden.in.dim());
    k_->linear_backward(count, net_.head_hidden().view(), nullptr, hidden_.data(), out_.data());
    return out_.data();
  }

  // f(first centre, count) for the centres in chunks.
  template <class F>
  void for_each_chunk(F&& f) {
    for (int a0 = 0; a0 < c_; a0 += chunk_) f(a0, std::min(chunk_, c_ - a0));
  }

  // Edge gradients -> forces and virial; energies (all float64), forces and per-atom energies by
  // atom. The virial and the energy are reductions, each a synchronisation on the device.
  void finish(NequipOutput& out) {
    k_->forces(edges_, net_.edge_basis(), f_, atom_of_, gvec_.data(), out.fx, out.fy, out.fz);
    if (!out.tally) return;
    const std::array<double, 9> w = k_->virial(edges_, gvec_.data());
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) out.virial[i][j] = 0.5 * (w[3 * i + j] + w[3 * j + i]);
    out.energy = k_->energy(c_, type_.data(), net_.energy_scale(), raw_.data(), atom_of_, out.per_atom_energy);
  }

  // Offset of atom a's row in a buffer of `width` per atom.
  static std::size_t row(int a, int width) { return static_cast<std::size_t>(a) * width; }
  // The species of atoms a0.. select the self-connection's weights only when it has one slice per
  // species.
  const int* sc_types(const LayerPlan& P, int a0) const { return P.sc.types > 1 ? type_.data() + a0 : nullptr; }

  const NequipModel& m_;
  std::unique_ptr<nequip::Kernels<T>> k_;
  Space space_;
  NequipNetwork<T> net_;
  int chunk_;          // atoms per chunk of the per-atom tail
  int n_ = 0, c_ = 0;  // nodes, centres
  NequipHalo* halo_ = nullptr;
  // graph, by node
  const int* atom_of_ = nullptr;  // node -> atom (the list's order), null: the atoms' own order
  Buffer<int> node_;              // atom -> node, when atom_of_ is set
  Buffer<int> type_, center_, neighbor_;
  Buffer<std::int64_t> row_, rev_;
  // Left by evaluations on the device until read: [kUnpaired] 1 once one found an edge without a
  // reverse; [kNeeded] the most edges that one needed beyond its slots (0: none did).
  static constexpr int kUnpaired = 0, kNeeded = 1;
  Buffer<std::int64_t> checks_;
  std::int64_t slots_ = 0;        // for unread edge counts (0: no count read yet)
  std::int64_t room_ = 0;         // edge slots of the per-edge buffers, >= edges_.all
  std::int64_t slots_limit_ = -1;  // limit_edge_slots_for_tests
  Buffer<std::int32_t> image_;
  Buffer<double> vec_, gvec_;
  nequip::Edges edges_;
  // per edge
  Buffer<T> Y_, emb_, gY_, gemb_;
  nequip::EdgeFeatures<T> f_;
  // per node: the layer inputs, then the work of one layer at a time (model/nequip_buffers.hpp)
  std::vector<Buffer<T>> x_;
  Buffer<T> x1_, msg_, raw_, gx1_, graw_;
  // per chunk of centres
  Buffer<T> pre_, normed_, out_, hidden_, gpre_, gnormed_;
};

template <class T>
std::unique_ptr<nequip::Kernels<T>> kernels_in(Space space) {
  if (space == Space::Host) return make_host_nequip_kernels<T>();
#if MDGPU_WITH_CUDA
  return cuda::make_nequip_kernels<T>();
#else
  throw RuntimeFailure("NequIP on the device requested but mdgpu was built without the CUDA backend");
#endif
}

}  // namespace

std::unique_ptr<NequipEvaluator> make_nequip_evaluator(const NequipModel& model, bool float64, Space space) {
  if (float64) return make_nequip_evaluator<double>(model, kernels_in<double>(space));
  return make_nequip_evaluator<float>(model, kernels_in<float>(space));
}

template <class T>
std::unique_ptr<NequipEvaluator> make_nequip_evaluator(const NequipModel& model,
                                                       std::unique_ptr<nequip::Kernels<T>> kernels, int chunk) {
  return std::make_unique<Evaluator<T>>(model, std::move(kernels), chunk);
}

template std::unique_ptr<NequipEvaluator> make_nequip_evaluator(const NequipModel&,
                                                                std::unique_ptr<nequip::Kernels<float>>, int);
template std::unique_ptr<NequipEvaluator> make_nequip_evaluator(const NequipModel&,
                                                                std::unique_ptr<nequip::Kernels<double>>, int);

}  // namespace mdgpu
