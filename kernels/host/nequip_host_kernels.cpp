#include "kernels/host/nequip_host_kernels.hpp"

#include <omp.h>

#include <algorithm>
#include <vector>

#include "kernels/host/omp_exec.hpp"
#include "kernels/nequip_item_kernels.hpp"

namespace mdgpu {
namespace {

using namespace nequip;

// C[n][m] += scale * A[n][k] B[k][m], row-major. Columns are tiled so that a tile of C for all
// n rows stays in L1 while B is streamed once per tile (not once per row): a row of edges shares
// the weights. Each C[i][j] is summed over k in order, as dense_dot does.
template <class T>
void gemm_acc(int n, int k, int m, const T* A, const T* B, T scale, T* C) {
  constexpr int kTile = 128;
  for (int j0 = 0; j0 < m; j0 += kTile) {
    const int j1 = std::min(m, j0 + kTile);
    for (int kk = 0; kk < k; ++kk) {
      const T* b = B + static_cast<std::size_t>(kk) * m;
      for (int i = 0; i < n; ++i) {
        const T a = scale * A[static_cast<std::size_t>(i) * k + kk];
        T* c = C + static_cast<std::size_t>(i) * m;
        for (int j = j0; j < j1; ++j) c[j] += a * b[j];
      }
    }
  }
}

// Work space of one thread for one atom's row of edges; grows to the longest row and stays.
template <class T>
struct RowScratch {
  std::vector<T> z;  // pre-activations of every MLP layer, [layer][edge][width]
  std::vector<T> h;  // activations (input of each MLP layer), same layout
  std::vector<T> w;  // MLP output = TP weights, [edge][tp weights]
  std::vector<T> gw, ga, gb;
};

template <class T>
class HostKernels final : public ItemKernels<T, OmpExec> {
public:
  // Per atom, the weight rows read contiguously (the item version reads them by column).
  void linear(int n, const LinearView& L, const int* type, const T* in, T* out) override {
#pragma omp parallel for schedule(static)
    for (int a = 0; a < n; ++a)
      linear_forward(L.paths, L.n_paths, L.W, L.types, type ? type[a] : 0, in + static_cast<std::size_t>(a) * L.din,
                     out + static_cast<std::size_t>(a) * L.dout);
  }
  void linear_backward(int n, const LinearView& L, const int* type, const T* grad_out, T* grad_in) override {
#pragma omp parallel for schedule(static)
    for (int a = 0; a < n; ++a)
      nequip::linear_backward(L.paths, L.n_paths, L.WT, type ? type[a] : 0,
                              grad_out + static_cast<std::size_t>(a) * L.dout,
                              grad_in + static_cast<std::size_t>(a) * L.din);
  }

  // Row by row: the radial MLP of a row's edges as one small matrix product in cache, then the
  // row's messages, instead of the MLP of all edges first.
  void messages(const Edges& e, Receivers r, const EdgeFeatures<T>& f, const RadialMlp<T>& mlp,
                const TensorProduct<T>& tp, const T* x1, T* agg) override {
    for_each_row(r.r0, r.r1, [&](int a, RowScratch<T>& s) {
      const std::int64_t e0 = e.row[a];
      const int ne = static_cast<int>(e.row[a + 1] - e0);
      if (ne > 0) mlp_forward(mlp, f.emb, e0, ne, s);
      atom_messages(tp, e, f.Y, s.w.data(), x1, a, agg + static_cast<std::size_t>(a - r.r0) * tp.dmid);
    });
  }

  // Row by row over every centre a: a receiver's edges (a in r) give dE/dw and dE/dY of the edge
  // from the message a <- b; the edges to the receivers (row_span) give, through the reverse
  // message b <- a, the gradient of a's own features. The radial MLP is computed once for both:
  // for the whole row of a receiver, else for the span alone.
  void messages_backward(const Edges& e, Receivers r, const EdgeFeatures<T>& f, const RadialMlp<T>& mlp,
                         const TensorProduct<T>& tp, const T* x1, const T* gmsg, T* gx1) override {
    T* gmirror = e.nodes > e.n ? this->ghost_grads(e, tp.din) : nullptr;
    for_each_row(0, e.n, [&](int a, RowScratch<T>& s) {
      const bool receiver = a >= r.r0 && a < r.r1;
      std::int64_t k0, k1;
      row_span(e, a, r, k0, k1);
      const std::int64_t e0 = receiver ? e.row[a] : k0;
      const int ne = static_cast<int>((receiver ? e.row[a + 1] : k1) - e0);
      if (ne == 0) return;
      mlp_forward(mlp, f.emb, e0, ne, s);
      const T* w = s.w.data();
      atom_message_grad_x(tp, e, f.Y, w + (k0 - e0) * tp.weights, gmsg, r, k0, k1,
                          gx1 + static_cast<std::size_t>(a) * tp.din);
      if (!receiver) return;
      const T* g = gmsg + static_cast<std::size_t>(a - r.r0) * tp.dmid;
      s.gw.assign(static_cast<std::size_t>(ne) * tp.weights, T(0));
      for (int k = 0; k < ne; ++k) {
        const std::int64_t edge = e0 + k;
        tp_message_grad_wy(tp.instr, tp.n_instr, tp.cg, f.Y + edge * tp.sh_dim, w + static_cast<std::size_t>(k) * tp.weights,
                           x1 + static_cast<std::size_t>(e.neighbor[edge]) * tp.din, g,
                           &s.gw[static_cast<std::size_t>(k) * tp.weights], f.gY + edge * tp.sh_dim);
      }
      if (gmirror)
        for (int k = 0; k < ne; ++k)
          if (e.neighbor[e0 + k] >= e.n)
            ghost_sender_grad(tp, e, f.Y, w + static_cast<std::size_t>(k) * tp.weights, gmsg, r, e0 + k, gmirror);
      mlp_backward(mlp, e0, ne, s, f.gemb);
    });
    if (gmirror) this->gather_ghost_grads(e, r, tp.din, gx1);
  }

private:
  // f(atom, this thread's scratch) for the rows of atoms [a0, a1), spread over threads.
  template <class F>
  void for_each_row(int a0, int a1, F&& f) {
    rows_.resize(std::max(rows_.size(), static_cast<std::size_t>(omp_get_max_threads())));
#pragma omp parallel
    {
      RowScratch<T>& s = rows_[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 8)
      for (int a = a0; a < a1; ++a) f(a, s);
    }
  }

  static int width(const RadialMlp<T>& mlp) {
    int w = 1;
    for (int j = 0; j < mlp.layers; ++j) w = std::max({w, mlp.dense[j].in, mlp.dense[j].out});
    return w;
  }

  // The radial MLP for a row of edges [e0, e0 + ne): keeps pre-activations for the backward.
  static void mlp_forward(const RadialMlp<T>& mlp, const T* emb, std::int64_t e0, int ne, RowScratch<T>& s) {
    const std::size_t stride = static_cast<std::size_t>(ne) * width(mlp);
    const int num_basis = mlp.dense[0].in;
    s.z.assign(stride * mlp.layers, T(0));
    s.h.resize(stride * mlp.layers);
    std::copy_n(emb + e0 * num_basis, static_cast<std::size_t>(ne) * num_basis, s.h.data());
    for (int j = 0; j < mlp.layers; ++j) {
      const DenseView<T>& d = mlp.dense[j];
      if (j + 1 == mlp.layers) {
        s.w.assign(static_cast<std::size_t>(ne) * d.out, T(0));
        gemm_acc(ne, d.in, d.out, &s.h[stride * j], d.W, d.scale, s.w.data());
        break;
      }
      T* z = &s.z[stride * j];
      gemm_acc(ne, d.in, d.out, &s.h[stride * j], d.W, d.scale, z);
      T* h = &s.h[stride * (j + 1)];
      for (std::size_t k = 0; k < static_cast<std::size_t>(ne) * d.out; ++k) h[k] = T(mlp.cst) * act_value(mlp.act, z[k]);
    }
  }

  // dE/d(edge embedding) for the row from dE/dw in s.gw; accumulates into gemb.
  static void mlp_backward(const RadialMlp<T>& mlp, std::int64_t e0, int ne, RowScratch<T>& s, T* gemb) {
    const std::size_t stride = static_cast<std::size_t>(ne) * width(mlp);
    std::vector<T>* g = &s.gw;
    for (int j = mlp.layers - 1; j >= 0; --j) {
      const DenseView<T>& d = mlp.dense[j];
      std::vector<T>& gin = (g == &s.ga) ? s.gb : s.ga;
      gin.assign(static_cast<std::size_t>(ne) * d.in, T(0));
      gemm_acc(ne, d.out, d.in, g->data(), d.WT, d.scale, gin.data());
      if (j > 0) {
        const T* z = &s.z[stride * (j - 1)];
        for (std::size_t k = 0; k < gin.size(); ++k) gin[k] *= T(mlp.cst) * act_derivative(mlp.act, z[k]);
      }
      g = &gin;
    }
    T* out = gemb + e0 * mlp.dense[0].in;
    for (std::size_t k = 0; k < g->size(); ++k) out[k] += (*g)[k];
  }

  std::vector<RowScratch<T>> rows_;  // one per OpenMP thread
};

}  // namespace

template <class T>
std::unique_ptr<nequip::Kernels<T>> make_host_nequip_kernels() {
  return std::make_unique<HostKernels<T>>();
}

template std::unique_ptr<nequip::Kernels<float>> make_host_nequip_kernels<float>();
template std::unique_ptr<nequip::Kernels<double>> make_host_nequip_kernels<double>();

}  // namespace mdgpu
