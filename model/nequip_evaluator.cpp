#include "model/nequip_evaluator.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>

#include "engine/errors.hpp"
#include "kernels/neighbor_bodies.hpp"
#include "kernels/nequip_bodies.hpp"
#include "kernels/spherical_harmonics.hpp"

namespace mdgpu {
namespace {

template <class T>
std::vector<T> cast(const std::vector<double>& v) {
  return std::vector<T>(v.begin(), v.end());
}

// C[n][m] += scale * A[n][k] B[k][m], row-major. Columns are tiled so that a tile of C for all
// n rows stays in L1 while B is streamed once per tile (not once per row): a row of edges shares
// the weights.
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

// One layer of e3nn's FullyConnectedNet: x @ W / sqrt(h_in); W and its transpose (for backward).
template <class T>
struct Dense {
  int in = 0, out = 0;
  std::vector<T> W, WT;
  T scale = T(1);
};

template <class T>
struct Layer {
  const LayerPlan* plan = nullptr;
  std::vector<double> w1, w2, wsc, w1t, w2t, wsct;  // linear weights and their transposes
  std::vector<Dense<T>> mlp;
  std::vector<T> x_in, x1, pre;  // per-atom activations kept for the backward pass
};

// Work space of one thread for one atom's row of edges.
template <class T>
struct RowScratch {
  std::vector<T> z;    // pre-activations of every MLP layer, [layer][edge][width]
  std::vector<T> h;    // activations (input of each MLP layer), same layout
  std::vector<T> w;    // MLP output = TP weights, [edge][tp_weights]
  std::vector<T> gw, ga, gb;
};

template <class T>
class Evaluator final : public NequipEvaluator {
public:
  explicit Evaluator(const NequipModel& m) : m_(m) {
    cg_ = cast<T>(m.cg);
    w_head_hidden_t_ = transpose_linear_weights(m.head_hidden, m.w_head_hidden);
    w_head_out_t_ = transpose_linear_weights(m.head_out, m.w_head_out);
    sh_dim_ = (m.sh_lmax + 1) * (m.sh_lmax + 1);
    for (const auto& P : m.layers) {
      Layer<T> L;
      L.plan = &P;
      L.w1 = P.w_linear_1;
      L.w2 = P.w_linear_2;
      L.wsc = P.w_sc;
      L.w1t = transpose_linear_weights(P.linear_1, P.w_linear_1);
      L.w2t = transpose_linear_weights(P.linear_2, P.w_linear_2);
      if (P.use_sc) L.wsct = transpose_linear_weights(P.sc, P.w_sc);
      for (std::size_t j = 0; j + 1 < P.mlp_sizes.size(); ++j) {
        Dense<T> d;
        d.in = P.mlp_sizes[j];
        d.out = P.mlp_sizes[j + 1];
        d.W = cast<T>(P.w_mlp[j]);
        d.WT.resize(d.W.size());
        for (int a = 0; a < d.in; ++a)
          for (int b = 0; b < d.out; ++b) d.WT[static_cast<std::size_t>(b) * d.in + a] = d.W[static_cast<std::size_t>(a) * d.out + b];
        d.scale = T(1.0 / std::sqrt(static_cast<double>(d.in)));
        mlp_width_ = std::max({mlp_width_, d.in, d.out});
        L.mlp.push_back(std::move(d));
      }
      layers_.push_back(std::move(L));
    }
  }

  void evaluate(const NequipInput& in, NequipOutput& out) override {
    n_ = in.n;
    build_edges(in);
    edge_embeddings();
    forward(in.type);
    backward(in.type);
    finish(in, out);
  }

private:
  // ---- graph: the edges within r_max (strictly, as nequip), each with its reverse ----------
  void build_edges(const NequipInput& in) {
    const NeighborView& nl = in.neighbors;
    const double rmax2 = m_.r_max * m_.r_max;
    row_.assign(static_cast<std::size_t>(n_) + 1, 0);
    for (int a = 0; a < n_; ++a) {
      std::int64_t count = 0;
      for (std::int64_t p = nl.offsets[a]; p < nl.offsets[a + 1]; ++p) {
        double r[3];
        neighbor_vector(nl, in.box, in.x, in.y, in.z, a, p, r);
        if (r[0] * r[0] + r[1] * r[1] + r[2] * r[2] < rmax2) ++count;
      }
      row_[a + 1] = row_[a] + count;
    }
    const std::size_t E = static_cast<std::size_t>(row_[n_]);
    nbr_.resize(E);
    image_.resize(E);
    vec_.resize(3 * E);
    rev_.resize(E);
#pragma omp parallel for schedule(static)
    for (int a = 0; a < n_; ++a) {
      std::int64_t e = row_[a];
      for (std::int64_t p = nl.offsets[a]; p < nl.offsets[a + 1]; ++p) {
        double r[3];
        neighbor_vector(nl, in.box, in.x, in.y, in.z, a, p, r);
        if (r[0] * r[0] + r[1] * r[1] + r[2] * r[2] >= rmax2) continue;
        nbr_[e] = nl.index[p];
        image_[e] = nl.image[p];
        for (int k = 0; k < 3; ++k) vec_[3 * e + k] = r[k];
        ++e;
      }
    }
    bool symmetric = true;
#pragma omp parallel for schedule(static) reduction(&& : symmetric)
    for (int a = 0; a < n_; ++a)
      for (std::int64_t e = row_[a]; e < row_[a + 1]; ++e) {
        int n0, n1, n2;
        unpack_image(image_[e], n0, n1, n2);
        const std::int32_t back = pack_image(-n0, -n1, -n2);
        const int b = nbr_[e];
        rev_[e] = -1;
        for (std::int64_t f = row_[b]; f < row_[b + 1]; ++f)
          if (nbr_[f] == a && image_[f] == back) rev_[e] = f;
        symmetric = symmetric && rev_[e] >= 0;
      }
    if (!symmetric) throw RuntimeFailure("NequIP: the neighbor list is not symmetric (internal error)");
  }

  // ---- per edge: spherical harmonics, radial embedding and their derivatives ----------------
  void edge_embeddings() {
    const std::size_t E = nbr_.size();
    const int nb = m_.num_basis;
    Y_.resize(E * sh_dim_);
    dY_.resize(E * sh_dim_ * 3);
    emb_.resize(E * nb);
    demb_.resize(E * nb);
    gY_.assign(E * sh_dim_, T(0));
    gemb_.assign(E * nb, T(0));
    // Geometry in float64 whatever the network precision: the cut-off polynomial's derivative
    // cancels badly near r_max in float32, and this per-edge work is cheap.
#pragma omp parallel
    {
      std::vector<double> y(sh_dim_), dy(3 * sh_dim_), b(nb), db(nb);
#pragma omp for schedule(static)
      for (std::int64_t e = 0; e < static_cast<std::int64_t>(E); ++e) {
        const double* r = &vec_[3 * e];
        spherical_harmonics_grad(m_.sh_lmax, r[0], r[1], r[2], y.data(), dy.data());
        const double len = std::sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
        nequip::radial_embedding(len, m_.r_max, m_.cutoff_p, m_.bessel_weights.data(), nb, b.data(), db.data());
        std::copy(y.begin(), y.end(), &Y_[e * sh_dim_]);
        std::copy(dy.begin(), dy.end(), &dY_[e * sh_dim_ * 3]);
        std::copy(b.begin(), b.end(), &emb_[e * nb]);
        std::copy(db.begin(), db.end(), &demb_[e * nb]);
      }
    }
  }

  // The radial MLP for a row of edges [e0, e0 + ne): keeps pre-activations for the backward.
  void mlp_forward(const Layer<T>& L, std::int64_t e0, int ne, RowScratch<T>& s) const {
    const int layers = static_cast<int>(L.mlp.size());
    const std::size_t stride = static_cast<std::size_t>(ne) * mlp_width_;
    s.z.assign(stride * layers, T(0));
    s.h.resize(stride * layers);
    std::copy_n(&emb_[e0 * m_.num_basis], static_cast<std::size_t>(ne) * m_.num_basis, s.h.data());
    const Activation& act = m_.mlp_act;
    for (int j = 0; j < layers; ++j) {
      const Dense<T>& d = L.mlp[j];
      T* z = j + 1 < layers ? &s.z[stride * j] : nullptr;
      if (!z) {
        s.w.assign(static_cast<std::size_t>(ne) * d.out, T(0));
        gemm_acc(ne, d.in, d.out, &s.h[stride * j], d.W.data(), d.scale, s.w.data());
        break;
      }
      gemm_acc(ne, d.in, d.out, &s.h[stride * j], d.W.data(), d.scale, z);
      T* h = &s.h[stride * (j + 1)];
      for (std::size_t k = 0; k < static_cast<std::size_t>(ne) * d.out; ++k)
        h[k] = T(act.cst) * nequip::act_value(act.kind, z[k]);
    }
  }

  // dE/d(edge embedding) for the row from dE/dw in s.gw; accumulates into gemb_.
  void mlp_backward(const Layer<T>& L, std::int64_t e0, int ne, RowScratch<T>& s) {
    const int layers = static_cast<int>(L.mlp.size());
    const std::size_t stride = static_cast<std::size_t>(ne) * mlp_width_;
    const Activation& act = m_.mlp_act;
    std::vector<T>* g = &s.gw;
    for (int j = layers - 1; j >= 0; --j) {
      const Dense<T>& d = L.mlp[j];
      std::vector<T>& gin = (g == &s.ga) ? s.gb : s.ga;
      gin.assign(static_cast<std::size_t>(ne) * d.in, T(0));
      gemm_acc(ne, d.out, d.in, g->data(), d.WT.data(), d.scale, gin.data());
      if (j > 0) {
        const T* z = &s.z[stride * (j - 1)];
        for (std::size_t k = 0; k < gin.size(); ++k) gin[k] *= T(act.cst) * nequip::act_derivative(act.kind, z[k]);
      }
      g = &gin;
    }
    T* out = &gemb_[e0 * m_.num_basis];
    for (std::size_t k = 0; k < g->size(); ++k) out[k] += (*g)[k];
  }

  static void resize(std::vector<T>& v, std::size_t n) { v.assign(n, T(0)); }

  // ---- forward ------------------------------------------------------------------------------
  void forward(const int* type) {
    const int types = static_cast<int>(m_.type_names.size());
    const int d0 = m_.embedding.out.dim();
    std::vector<T> features(static_cast<std::size_t>(n_) * d0, T(0));
    std::vector<T> onehot(static_cast<std::size_t>(types));
    for (int a = 0; a < n_; ++a) {
      std::fill(onehot.begin(), onehot.end(), T(0));
      onehot[type[a]] = T(1);
      nequip::linear_forward(m_.embedding.paths.data(), static_cast<int>(m_.embedding.paths.size()),
                             m_.w_embedding.data(), 1, 0, onehot.data(), &features[static_cast<std::size_t>(a) * d0]);
    }
    const T inv_sqrt_ann = T(1.0 / std::sqrt(m_.avg_num_neighbors));
    for (auto& L : layers_) {
      const LayerPlan& P = *L.plan;
      const int din = P.in.dim(), dmid = P.mid.dim(), dconv = P.conv_out.dim(), dout = P.out.dim();
      L.x_in = std::move(features);
      resize(L.x1, static_cast<std::size_t>(n_) * din);
      resize(L.pre, static_cast<std::size_t>(n_) * dconv);
      features.assign(static_cast<std::size_t>(n_) * dout, T(0));
#pragma omp parallel for schedule(static)
      for (int a = 0; a < n_; ++a) {
        const T* x = &L.x_in[static_cast<std::size_t>(a) * din];
        nequip::linear_forward(P.linear_1.paths.data(), static_cast<int>(P.linear_1.paths.size()), L.w1.data(), 1, 0,
                               x, &L.x1[static_cast<std::size_t>(a) * din]);
      }
#pragma omp parallel
      {
        RowScratch<T> s;
        std::vector<T> agg(static_cast<std::size_t>(dmid));
#pragma omp for schedule(dynamic, 8)
        for (int a = 0; a < n_; ++a) {
          const std::int64_t e0 = row_[a];
          const int ne = static_cast<int>(row_[a + 1] - e0);
          std::fill(agg.begin(), agg.end(), T(0));
          if (ne > 0) mlp_forward(L, e0, ne, s);
          for (int k = 0; k < ne; ++k) {
            const std::int64_t e = e0 + k;
            nequip::tp_message(P.tp.data(), static_cast<int>(P.tp.size()), cg_.data(), &Y_[e * sh_dim_],
                               &s.w[static_cast<std::size_t>(k) * P.tp_weights],
                               &L.x1[static_cast<std::size_t>(nbr_[e]) * din], inv_sqrt_ann, agg.data());
          }
          T* pre = &L.pre[static_cast<std::size_t>(a) * dconv];
          nequip::linear_forward(P.linear_2.paths.data(), static_cast<int>(P.linear_2.paths.size()), L.w2.data(), 1, 0,
                                 agg.data(), pre);
          const T* x = &L.x_in[static_cast<std::size_t>(a) * din];
          if (P.use_sc)
            nequip::linear_forward(P.sc.paths.data(), static_cast<int>(P.sc.paths.size()), L.wsc.data(), types,
                                   type[a], x, pre);
          T* o = &features[static_cast<std::size_t>(a) * dout];
          nequip::gate_forward(P.gate.scalars.data(), static_cast<int>(P.gate.scalars.size()), P.gate.gated.data(),
                               static_cast<int>(P.gate.gated.size()), pre, o);
          if (P.resnet)
            for (int k = 0; k < dout; ++k) o[k] += x[k];
        }
      }
    }
    // Output head: two linears, no nonlinearity between them.
    const int dl = m_.head_hidden.in.dim(), dh = m_.head_hidden.out.dim();
    raw_.assign(static_cast<std::size_t>(n_), 0.0);
    final_ = std::move(features);
    hidden_.assign(static_cast<std::size_t>(n_) * dh, T(0));
    for (int a = 0; a < n_; ++a) {
      T* h = &hidden_[static_cast<std::size_t>(a) * dh];
      nequip::linear_forward(m_.head_hidden.paths.data(), static_cast<int>(m_.head_hidden.paths.size()),
                             m_.w_head_hidden.data(), 1, 0, &final_[static_cast<std::size_t>(a) * dl], h);
      T e = T(0);
      nequip::linear_forward(m_.head_out.paths.data(), static_cast<int>(m_.head_out.paths.size()),
                             m_.w_head_out.data(), 1, 0, h, &e);
      raw_[a] = static_cast<double>(e);
    }
  }

  // ---- backward -----------------------------------------------------------------------------
  void backward(const int* type) {
    const int types = static_cast<int>(m_.type_names.size());
    const int dl = m_.head_hidden.in.dim(), dh = m_.head_hidden.out.dim();
    std::vector<T> grad(static_cast<std::size_t>(n_) * dl, T(0));
    std::vector<T> gh(static_cast<std::size_t>(dh));
    for (int a = 0; a < n_; ++a) {
      const T ge = T(m_.global_scale * m_.scales[type[a]]);
      std::fill(gh.begin(), gh.end(), T(0));
      nequip::linear_backward(m_.head_out.paths.data(), static_cast<int>(m_.head_out.paths.size()),
                              w_head_out_t_.data(), 1, 0, &ge, gh.data());
      nequip::linear_backward(m_.head_hidden.paths.data(), static_cast<int>(m_.head_hidden.paths.size()),
                              w_head_hidden_t_.data(), 1, 0, gh.data(), &grad[static_cast<std::size_t>(a) * dl]);
    }
    const T inv_sqrt_ann = T(1.0 / std::sqrt(m_.avg_num_neighbors));
    for (auto it = layers_.rbegin(); it != layers_.rend(); ++it) {
      Layer<T>& L = *it;
      const LayerPlan& P = *L.plan;
      const int din = P.in.dim(), dmid = P.mid.dim(), dconv = P.conv_out.dim(), dout = P.out.dim();
      std::vector<T> gx(static_cast<std::size_t>(n_) * din, T(0));
      std::vector<T> gmsg(static_cast<std::size_t>(n_) * dmid, T(0));  // dE/d(unscaled message)
#pragma omp parallel
      {
        std::vector<T> gpre(static_cast<std::size_t>(dconv));
#pragma omp for schedule(static)
        for (int a = 0; a < n_; ++a) {
          const T* go = &grad[static_cast<std::size_t>(a) * dout];
          std::fill(gpre.begin(), gpre.end(), T(0));
          nequip::gate_backward(P.gate.scalars.data(), static_cast<int>(P.gate.scalars.size()), P.gate.gated.data(),
                                static_cast<int>(P.gate.gated.size()), &L.pre[static_cast<std::size_t>(a) * dconv], go,
                                gpre.data());
          T* g = &gx[static_cast<std::size_t>(a) * din];
          if (P.resnet)
            for (int k = 0; k < din; ++k) g[k] += go[k];
          if (P.use_sc)
            nequip::linear_backward(P.sc.paths.data(), static_cast<int>(P.sc.paths.size()), L.wsct.data(), types,
                                    type[a], gpre.data(), g);
          T* gm = &gmsg[static_cast<std::size_t>(a) * dmid];
          nequip::linear_backward(P.linear_2.paths.data(), static_cast<int>(P.linear_2.paths.size()), L.w2t.data(), 1,
                                  0, gpre.data(), gm);
          for (int k = 0; k < dmid; ++k) gm[k] *= inv_sqrt_ann;
        }
      }
      // Edges of row a: the message a <- b gives dE/dw and dE/dY of the edge; the reverse message
      // b <- a (same weights, Y of -r = (-1)^l Y) gives the gradient of a's own features.
      std::vector<T> gx1(static_cast<std::size_t>(n_) * din, T(0));
#pragma omp parallel
      {
        RowScratch<T> s;
        std::vector<T> yrev(static_cast<std::size_t>(sh_dim_));
#pragma omp for schedule(dynamic, 8)
        for (int a = 0; a < n_; ++a) {
          const std::int64_t e0 = row_[a];
          const int ne = static_cast<int>(row_[a + 1] - e0);
          if (ne == 0) continue;
          mlp_forward(L, e0, ne, s);
          s.gw.assign(static_cast<std::size_t>(ne) * P.tp_weights, T(0));
          for (int k = 0; k < ne; ++k) {
            const std::int64_t e = e0 + k;
            const int b = nbr_[e];
            const T* w = &s.w[static_cast<std::size_t>(k) * P.tp_weights];
            const T* Y = &Y_[e * sh_dim_];
            nequip::tp_message_grad_wy(P.tp.data(), static_cast<int>(P.tp.size()), cg_.data(), Y, w,
                                       &L.x1[static_cast<std::size_t>(b) * din], &gmsg[static_cast<std::size_t>(a) * dmid],
                                       &s.gw[static_cast<std::size_t>(k) * P.tp_weights], &gY_[e * sh_dim_]);
            for (int l = 0; l <= m_.sh_lmax; ++l)
              for (int c = l * l; c < (l + 1) * (l + 1); ++c) yrev[c] = (l % 2) ? -Y[c] : Y[c];
            nequip::tp_message_grad_x(P.tp.data(), static_cast<int>(P.tp.size()), cg_.data(), yrev.data(), w,
                                      &gmsg[static_cast<std::size_t>(b) * dmid], &gx1[static_cast<std::size_t>(a) * din]);
          }
          mlp_backward(L, e0, ne, s);
        }
      }
#pragma omp parallel for schedule(static)
      for (int a = 0; a < n_; ++a)
        nequip::linear_backward(P.linear_1.paths.data(), static_cast<int>(P.linear_1.paths.size()), L.w1t.data(), 1, 0,
                                &gx1[static_cast<std::size_t>(a) * din], &gx[static_cast<std::size_t>(a) * din]);
      grad = std::move(gx);
    }
  }

  // ---- edge gradients -> forces, virial; energies in float64 --------------------------------
  void finish(const NequipInput& in, NequipOutput& out) {
    const std::size_t E = nbr_.size();
    const int nb = m_.num_basis;
    gvec_.resize(3 * E);
#pragma omp parallel for schedule(static)
    for (std::int64_t e = 0; e < static_cast<std::int64_t>(E); ++e) {
      const double r[3] = {vec_[3 * e], vec_[3 * e + 1], vec_[3 * e + 2]};
      const double len = std::sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
      double dr = 0.0;  // dE/d|r|
      for (int n = 0; n < nb; ++n) dr += static_cast<double>(gemb_[e * nb + n]) * static_cast<double>(demb_[e * nb + n]);
      for (int k = 0; k < 3; ++k) {
        double g = dr * r[k] / len;
        for (int c = 0; c < sh_dim_; ++c)
          g += static_cast<double>(gY_[e * sh_dim_ + c]) * static_cast<double>(dY_[(e * sh_dim_ + c) * 3 + k]);
        gvec_[3 * e + k] = g;
      }
    }
    double* f[3] = {out.fx, out.fy, out.fz};
#pragma omp parallel for schedule(static)
    for (int a = 0; a < n_; ++a)
      for (int k = 0; k < 3; ++k) {
        double s = 0.0;
        for (std::int64_t e = row_[a]; e < row_[a + 1]; ++e) s += gvec_[3 * e + k] - gvec_[3 * rev_[e] + k];
        f[k][a] = s;
      }
    Mat3 w{};
    for (std::size_t e = 0; e < E; ++e)
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) w[i][j] -= gvec_[3 * e + i] * vec_[3 * e + j];
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) out.virial[i][j] = 0.5 * (w[i][j] + w[j][i]);
    double total = 0.0;
    for (int a = 0; a < n_; ++a) {
      const int t = in.type[a];
      const double e = m_.global_scale * (m_.shifts[t] + m_.scales[t] * raw_[a]);
      if (out.per_atom_energy) out.per_atom_energy[a] = e;
      total += e;
    }
    out.energy = total;
  }

  const NequipModel& m_;
  std::vector<T> cg_;
  std::vector<double> w_head_hidden_t_, w_head_out_t_;
  std::vector<Layer<T>> layers_;
  int sh_dim_ = 1, mlp_width_ = 1, n_ = 0;
  // graph
  std::vector<std::int64_t> row_, rev_;
  std::vector<int> nbr_;
  std::vector<std::int32_t> image_;
  std::vector<double> vec_, gvec_;
  // per edge
  std::vector<T> Y_, dY_, emb_, demb_, gY_, gemb_;
  // per atom
  std::vector<T> final_, hidden_;
  std::vector<double> raw_;
};

}  // namespace

std::unique_ptr<NequipEvaluator> make_nequip_evaluator(const NequipModel& model, bool float64) {
  if (float64) return std::make_unique<Evaluator<double>>(model);
  return std::make_unique<Evaluator<float>>(model);
}

}  // namespace mdgpu
