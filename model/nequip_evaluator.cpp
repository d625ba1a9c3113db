// The data flow of one NequIP evaluation, written once for every platform: the kernels do the
// work, this file owns the buffers and says what feeds what.
#include "model/nequip_evaluator.hpp"

#include <type_traits>
#include <utility>
#include <vector>

#include "core/errors.hpp"
#include "kernels/host/nequip_host_kernels.hpp"
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
  Evaluator(const NequipModel& model, std::unique_ptr<nequip::Kernels<T>> kernels)
      : m_(model), k_(std::move(kernels)), space_(k_->space()), net_(space_, model) {
    acts_.resize(model.layers.size());
    for (auto& a : acts_)
      for (auto* b : {&a.x_in, &a.x1, &a.pre, &a.normed}) b->set_space(space_);
    for (auto* b : {&Y_, &dY_, &emb_, &demb_, &gY_, &gemb_, &final_, &hidden_, &raw_, &agg_, &grad_, &gx_, &gpre_,
                    &gmsg_, &gx1_, &ghidden_, &graw_, &gnormed_})
      b->set_space(space_);
    for (auto* b : {&row_, &rev_, &unpaired_}) b->set_space(space_);
    resize_zeroed(unpaired_, 1);
    for (auto* b : {&type_, &center_, &neighbor_}) b->set_space(space_);
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
    forward();
    backward();
    finish(out);
  }

  void check_deferred() override {
    std::vector<std::int64_t> unpaired;
    unpaired_.download(unpaired);
    if (unpaired[0] != 0)
      throw RuntimeFailure(c_ < n_ ? "NequIP: a ghost atom lacks a centre neighbor (ghost cut-off too short?)"
                                   : "NequIP: the neighbor list is not symmetric (internal error)");
  }

private:
  // Work over every node (n_) or over the centres only (c_); buffers always hold every node.
  std::size_t per_atom(int width) const { return static_cast<std::size_t>(n_) * width; }
  std::int64_t per_centre(int width) const { return static_cast<std::int64_t>(c_) * width; }

  // The edges within r_max (strictly, as nequip), each with its reverse; their geometry.
  // A standalone evaluation on the device leaves the edge count on the device (no
  // synchronisation): the per-edge buffers hold as many slots as the neighbor list has pairs, a
  // bound that no edge count can exceed (edges are listed pairs), so nothing can overflow and no
  // evaluation needs redoing; the buffers keep their size until the list is rebuilt. The cost:
  // about ((r_max + skin) / r_max)³ times the edges' memory. The reverse-edge check (an internal
  // error) is then read by check_deferred(), or at once when the evaluation reads results
  // (`tally`, which synchronises anyway).
  void build_graph(const NequipInput& in, bool tally) {
    type_.resize(per_atom(1));
    k_->model_types(n_, in.type, in.type_map, type_.data());
    const nequip::AtomsIn atoms{in.n, in.x, in.y, in.z, in.neighbors, in.box, m_.r_max * m_.r_max, c_};
    row_.resize(per_atom(1) + 1);
    const bool unread = space_ == Space::Device && c_ == n_ && in.neighbors.pairs >= 0;
    std::int64_t E = in.neighbors.pairs;
    const std::int64_t all = unread ? E : k_->edge_rows(atoms, row_.data(), E);
    if (unread) k_->edge_rows_unread(atoms, row_.data());
    const auto edges = static_cast<std::size_t>(E);
    const auto every = static_cast<std::size_t>(all);
    center_.resize(every);
    neighbor_.resize(every);
    image_.resize(every);
    vec_.resize(3 * every);
    rev_.resize(every);
    edges_ = {c_, E, n_, all, row_.data(), center_.data(), neighbor_.data(), image_.data(), vec_.data(), rev_.data()};
    k_->fill_edges(atoms, edges_);
    k_->reverse_edges(edges_, unpaired_.data());
    if (!unread || tally) check_deferred();

    const nequip::EdgeBasis b = net_.edge_basis();
    Y_.resize(edges * b.sh_dim);
    dY_.resize(edges * b.sh_dim * 3);
    emb_.resize(edges * b.num_basis);
    demb_.resize(edges * b.num_basis);
    resize_zeroed(gY_, edges * b.sh_dim);
    resize_zeroed(gemb_, edges * b.num_basis);
    f_ = {Y_.data(), dY_.data(), emb_.data(), demb_.data(), gY_.data(), gemb_.data()};
    k_->edge_basis(edges_, b, f_);
  }

  void forward() {
    const auto& layers = net_.layers();
    resize_zeroed(acts_[0].x_in, per_atom(m_.embedding.out.dim()));
    k_->embed(n_, type_.data(), net_.embedding().view(), acts_[0].x_in.data());
    for (std::size_t l = 0; l < layers.size(); ++l) {
      const LayerWeights<T>& L = layers[l];
      const LayerPlan& P = L.plan();
      Activations& A = acts_[l];
      // The ghosts' input features: the embedding (from the species) before the first layer, their
      // owners' previous layer output after it.
      if (l > 0 && halo_) halo_->forward(halo_features(A.x_in, P.in.dim()));
      // Every node's x1 (a ghost sends messages); the rest of the layer for the centres only.
      resize_zeroed(A.x1, per_atom(P.in.dim()));
      k_->linear(n_, L.linear_1().view(), nullptr, A.x_in.data(), A.x1.data());
      resize_zeroed(agg_, per_atom(P.mid.dim()));
      k_->messages(edges_, f_, L.mlp(), L.tensor_product(), A.x1.data(), agg_.data());
      resize_zeroed(A.pre, per_atom(P.conv_out.dim()));
      k_->linear(c_, L.linear_2().view(), nullptr, agg_.data(), A.pre.data());
      if (P.use_sc) k_->linear(c_, L.self_connection().view(), sc_types(P), A.x_in.data(), A.pre.data());
      if (!P.norm.empty()) {
        A.normed.resize(per_atom(P.conv_out.dim()));
        k_->layer_norm(c_, L.norm(), A.pre.data(), A.normed.data());
      }
      Buffer<T>& out = l + 1 < layers.size() ? acts_[l + 1].x_in : final_;
      resize_zeroed(out, per_atom(P.out.dim()));
      k_->gate(c_, L.gate(), gate_input(P, A).data(), out.data());
      if (P.resnet) k_->add(per_centre(P.out.dim()), A.x_in.data(), out.data());
    }
    // Output head: two linears, no nonlinearity between them.
    resize_zeroed(hidden_, per_atom(m_.head_hidden.out.dim()));
    k_->linear(c_, net_.head_hidden().view(), nullptr, final_.data(), hidden_.data());
    resize_zeroed(raw_, per_atom(1));
    k_->linear(c_, net_.head_out().view(), nullptr, hidden_.data(), raw_.data());
  }

  void backward() {
    graw_.resize(per_atom(1));
    k_->energy_seed(c_, type_.data(), net_.energy_scale(), graw_.data());
    resize_zeroed(ghidden_, per_atom(m_.head_hidden.out.dim()));
    k_->linear_backward(c_, net_.head_out().view(), nullptr, graw_.data(), ghidden_.data());
    resize_zeroed(grad_, per_atom(m_.head_hidden.in.dim()));
    k_->linear_backward(c_, net_.head_hidden().view(), nullptr, ghidden_.data(), grad_.data());
    const auto& layers = net_.layers();
    for (std::size_t l = layers.size(); l-- > 0;) {
      const LayerWeights<T>& L = layers[l];
      const LayerPlan& P = L.plan();
      const Activations& A = acts_[l];
      // grad_ = dE/d(layer output) of the centres -> gx_ = dE/d(layer input) of every node; the
      // ghosts' rows then go to their owners, whose rows become complete.
      resize_zeroed(gpre_, per_atom(P.conv_out.dim()));
      k_->gate_backward(c_, L.gate(), gate_input(P, A).data(), grad_.data(), gpre_.data());
      if (!P.norm.empty()) {
        resize_zeroed(gnormed_, per_atom(P.conv_out.dim()));
        k_->layer_norm_backward(c_, L.norm(), A.pre.data(), gpre_.data(), gnormed_.data());
        std::swap(gpre_, gnormed_);
      }
      resize_zeroed(gx_, per_atom(P.in.dim()));
      if (P.resnet) k_->add(per_centre(P.in.dim()), grad_.data(), gx_.data());
      if (P.use_sc) k_->linear_backward(c_, L.self_connection().view(), sc_types(P), gpre_.data(), gx_.data());
      resize_zeroed(gmsg_, per_atom(P.mid.dim()));  // dE/d(aggregated message); 0 on ghosts
      k_->linear_backward(c_, L.linear_2().view(), nullptr, gpre_.data(), gmsg_.data());
      k_->scale(per_centre(P.mid.dim()), L.tensor_product().scale, gmsg_.data());
      resize_zeroed(gx1_, per_atom(P.in.dim()));
      k_->messages_backward(edges_, f_, L.mlp(), L.tensor_product(), A.x1.data(), gmsg_.data(), gx1_.data());
      k_->linear_backward(n_, L.linear_1().view(), nullptr, gx1_.data(), gx_.data());
      if (l > 0 && halo_) halo_->reverse(halo_features(gx_, P.in.dim()));
      std::swap(grad_, gx_);
    }
  }

  // Edge gradients -> forces and virial; energies (all float64). The virial and the energy are
  // reductions, each a synchronisation on the device.
  void finish(NequipOutput& out) {
    gvec_.resize(3 * static_cast<std::size_t>(edges_.all));
    k_->forces(edges_, net_.edge_basis(), f_, gvec_.data(), out.fx, out.fy, out.fz);
    if (!out.tally) return;
    const std::array<double, 9> w = k_->virial(edges_, gvec_.data());
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) out.virial[i][j] = 0.5 * (w[3 * i + j] + w[3 * j + i]);
    out.energy = k_->energy(c_, type_.data(), net_.energy_scale(), raw_.data(), out.per_atom_energy);
  }

  // Per-atom activations of a layer that its backward pass reads.
  struct Activations {
    Buffer<T> x_in, x1, pre, normed;  // normed: pre after the layer norm, when the layer has one
  };

  const Buffer<T>& gate_input(const LayerPlan& P, const Activations& A) const { return P.norm.empty() ? A.pre : A.normed; }
  // The species select the self-connection's weights only when it has one slice per species.
  const int* sc_types(const LayerPlan& P) const { return P.sc.types > 1 ? type_.data() : nullptr; }

  const NequipModel& m_;
  std::unique_ptr<nequip::Kernels<T>> k_;
  Space space_;
  NequipNetwork<T> net_;
  int n_ = 0, c_ = 0;  // nodes, centres
  NequipHalo* halo_ = nullptr;
  // graph
  Buffer<int> type_, center_, neighbor_;
  Buffer<std::int64_t> row_, rev_;
  Buffer<std::int64_t> unpaired_;  // 1: some evaluation found an edge without a reverse
  Buffer<std::int32_t> image_;
  Buffer<double> vec_, gvec_;
  nequip::Edges edges_;
  // per edge
  Buffer<T> Y_, dY_, emb_, demb_, gY_, gemb_;
  nequip::EdgeFeatures<T> f_;
  // per atom
  std::vector<Activations> acts_;
  Buffer<T> final_, hidden_, raw_;
  Buffer<T> agg_, grad_, gx_, gpre_, gmsg_, gx1_, ghidden_, graw_, gnormed_;  // work of one layer at a time
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
                                                       std::unique_ptr<nequip::Kernels<T>> kernels) {
  return std::make_unique<Evaluator<T>>(model, std::move(kernels));
}

template std::unique_ptr<NequipEvaluator> make_nequip_evaluator(const NequipModel&,
                                                                std::unique_ptr<nequip::Kernels<float>>);
template std::unique_ptr<NequipEvaluator> make_nequip_evaluator(const NequipModel&,
                                                                std::unique_ptr<nequip::Kernels<double>>);

}  // namespace mdgpu
