// Per-item bodies of the NequIP network (one atom or one edge), shared by the host loops and the
// CUDA kernels. Features are e3nn blocks [mul][2l+1] concatenated; T is float or double.
// Backward bodies accumulate (+=) into gradient buffers the caller zeroes. Maths calls are std::
// so that float32 takes the float overload (an unqualified one may bind the double overload).
#pragma once

#include <cmath>

#include "core/hd.hpp"
#include "kernels/nequip_layer_norm.hpp"

namespace mdgpu::nequip {

// One path of an e3nn Linear: out[w, m] += alpha * sum_u W[u, (type,) w] in[u, m].
struct LinearPath {
  int in_offset, out_offset;
  int mul_in, mul_out, dim;
  int weight_offset;
  double alpha;
};

enum class Act { Silu, Tanh, ShiftedSoftplus, Abs };

template <class T>
MDGPU_HD T act_value(Act a, T x) {
  switch (a) {
    case Act::Silu: return x / (T(1) + std::exp(-x));
    case Act::Tanh: return std::tanh(x);
    case Act::ShiftedSoftplus: return std::log1p(std::exp(-std::fabs(x))) + (x > T(0) ? x : T(0)) - T(0.6931471805599453);
    case Act::Abs: return std::fabs(x);
  }
  return x;
}

template <class T>
MDGPU_HD T act_derivative(Act a, T x) {
  switch (a) {
    case Act::Silu: {
      const T s = T(1) / (T(1) + std::exp(-x));
      return s * (T(1) + x * (T(1) - s));
    }
    case Act::Tanh: {
      const T t = std::tanh(x);
      return T(1) - t * t;
    }
    case Act::ShiftedSoftplus: return T(1) / (T(1) + std::exp(-x));
    case Act::Abs: return x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0));
  }
  return T(1);
}

// Bessel basis × polynomial cut-off of one edge length (nequip's RadialBasisEdgeEncoding), and
// d/dr of each value when `d` is given. Zero beyond r_max.
template <class T>
MDGPU_HD void radial_embedding(T r, T r_max, T p, const T* bessel_w, int num_basis, T* emb, T* d) {
  const T x = r / r_max;
  T f = T(0), df = T(0);
  if (x < T(1)) {
    const T c0 = (p + T(1)) * (p + T(2)) / T(2), c1 = p * (p + T(2)), c2 = p * (p + T(1)) / T(2);
    const T xp = std::pow(x, p);
    f = T(1) - c0 * xp + c1 * xp * x - c2 * xp * x * x;
    df = (-c0 * p * std::pow(x, p - T(1)) + c1 * (p + T(1)) * xp - c2 * (p + T(2)) * xp * x) / r_max;
  }
  const T pref = T(2) / r_max;
  for (int n = 0; n < num_basis; ++n) {
    const T k = bessel_w[n] / r_max;
    const T s = std::sin(k * r), b = pref * s / r;
    emb[n] = b * f;
    if (d) d[n] = pref * (k * std::cos(k * r) * r - s) / (r * r) * f + b * df;
  }
}

// Limits of the per-thread arrays of the bodies, checked when a model is loaded: the widest
// multiplicity of a linear, radial basis functions, and l1, l3 of a TP instruction (7x7 coupling).
inline constexpr int kMaxLinearMul = 2048;
inline constexpr int kMaxBasis = 32;
inline constexpr int kMaxTpL = 3;

// e3nn Linear on one atom's features; `type` selects the weight slice when types > 1. Weights
// are float64 (W[u][type][w]); per component m the output row is accumulated as an axpy over w,
// contiguous in W, in float64 — which also keeps float32 models within nequip's own error.
template <class T>
MDGPU_HD void linear_forward(const LinearPath* paths, int n_paths, const double* W, int types, int type,
                             const T* in, T* out) {
  double acc[kMaxLinearMul];
  for (int k = 0; k < n_paths; ++k) {
    const LinearPath& p = paths[k];
    for (int m = 0; m < p.dim; ++m) {
      for (int w = 0; w < p.mul_out; ++w) acc[w] = 0.0;
      for (int u = 0; u < p.mul_in; ++u) {
        const double x = in[p.in_offset + u * p.dim + m];
        const double* row = W + p.weight_offset + static_cast<long>(u * types + type) * p.mul_out;
        for (int w = 0; w < p.mul_out; ++w) acc[w] += x * row[w];
      }
      for (int w = 0; w < p.mul_out; ++w) out[p.out_offset + w * p.dim + m] += T(p.alpha * acc[w]);
    }
  }
}

// Its transpose, with the transposed weights WT[type][w][u] (see transpose_linear_weights).
template <class T>
MDGPU_HD void linear_backward(const LinearPath* paths, int n_paths, const double* WT, int type,
                              const T* grad_out, T* grad_in) {
  double acc[kMaxLinearMul];
  for (int k = 0; k < n_paths; ++k) {
    const LinearPath& p = paths[k];
    for (int m = 0; m < p.dim; ++m) {
      for (int u = 0; u < p.mul_in; ++u) acc[u] = 0.0;
      for (int w = 0; w < p.mul_out; ++w) {
        const double g = grad_out[p.out_offset + w * p.dim + m];
        const double* row = WT + p.weight_offset + static_cast<long>(type * p.mul_out + w) * p.mul_in;
        for (int u = 0; u < p.mul_in; ++u) acc[u] += g * row[u];
      }
      for (int u = 0; u < p.mul_in; ++u) grad_in[p.in_offset + u * p.dim + m] += T(p.alpha * acc[u]);
    }
  }
}

// One output element o of linear_forward (same sums, same order, so bitwise the same result) for
// one thread per element: no per-thread accumulator row.
template <class T>
MDGPU_HD void linear_forward_element(const LinearPath* paths, int n_paths, const double* W, int types, int type,
                                     const T* in, int o, T* out) {
  for (int k = 0; k < n_paths; ++k) {
    const LinearPath& p = paths[k];
    const int rel = o - p.out_offset;
    if (rel < 0 || rel >= p.mul_out * p.dim) continue;
    const int w = rel / p.dim, m = rel % p.dim;
    double acc = 0.0;
    for (int u = 0; u < p.mul_in; ++u) {
      const double x = in[p.in_offset + u * p.dim + m];
      acc += x * W[p.weight_offset + static_cast<long>(u * types + type) * p.mul_out + w];
    }
    out[o] += T(p.alpha * acc);
  }
}

// One input element i of linear_backward, likewise.
template <class T>
MDGPU_HD void linear_backward_element(const LinearPath* paths, int n_paths, const double* WT, int type,
                                      const T* grad_out, int i, T* grad_in) {
  for (int k = 0; k < n_paths; ++k) {
    const LinearPath& p = paths[k];
    const int rel = i - p.in_offset;
    if (rel < 0 || rel >= p.mul_in * p.dim) continue;
    const int u = rel / p.dim, m = rel % p.dim;
    double acc = 0.0;
    for (int w = 0; w < p.mul_out; ++w) {
      const double g = grad_out[p.out_offset + w * p.dim + m];
      acc += g * WT[p.weight_offset + static_cast<long>(type * p.mul_out + w) * p.mul_in + u];
    }
    grad_in[i] += T(p.alpha * acc);
  }
}

// linear_forward of the one-hot species vector (`types` x 0e, 1 at `type`): the sum over u is the
// weight row of `type` (exactly: the other terms are zeros).
template <class T>
MDGPU_HD void onehot_linear_forward(const LinearPath* paths, int n_paths, const double* W, int type, T* out) {
  for (int k = 0; k < n_paths; ++k) {
    const LinearPath& p = paths[k];
    const int u = type - p.in_offset;
    if (p.dim != 1 || u < 0 || u >= p.mul_in) continue;
    for (int w = 0; w < p.mul_out; ++w) out[p.out_offset + w] += T(p.alpha * W[p.weight_offset + static_cast<long>(u) * p.mul_out + w]);
  }
}

// Column j of x @ W * scale for one row x (W [in][out]), summed in the order the host's tiled
// product uses, so both round alike.
template <class T>
MDGPU_HD T dense_dot(const T* x, const T* W, int in, int out, int j, T scale) {
  T acc = T(0);
  for (int k = 0; k < in; ++k) acc += (scale * x[k]) * W[static_cast<long>(k) * out + j];
  return acc;
}

// Gate of one atom: [act(scalars) | gated * act(gates)].
struct GateScalars {
  int src, dst, mul;
  Act act;
  double cst;
};
struct GateGated {
  int src, dst, mul, dim, gate_src;
  Act act;
  double cst;
};

template <class T>
MDGPU_HD void gate_forward(const GateScalars* s, int ns, const GateGated* g, int ng, const T* in, T* out) {
  for (int k = 0; k < ns; ++k)
    for (int u = 0; u < s[k].mul; ++u)
      out[s[k].dst + u] = T(s[k].cst) * act_value(s[k].act, in[s[k].src + u]);
  for (int k = 0; k < ng; ++k)
    for (int u = 0; u < g[k].mul; ++u) {
      const T gate = T(g[k].cst) * act_value(g[k].act, in[g[k].gate_src + u]);
      for (int m = 0; m < g[k].dim; ++m)
        out[g[k].dst + u * g[k].dim + m] = in[g[k].src + u * g[k].dim + m] * gate;
    }
}

template <class T>
MDGPU_HD void gate_backward(const GateScalars* s, int ns, const GateGated* g, int ng, const T* in,
                            const T* grad_out, T* grad_in) {
  for (int k = 0; k < ns; ++k)
    for (int u = 0; u < s[k].mul; ++u)
      grad_in[s[k].src + u] += grad_out[s[k].dst + u] * T(s[k].cst) * act_derivative(s[k].act, in[s[k].src + u]);
  for (int k = 0; k < ng; ++k)
    for (int u = 0; u < g[k].mul; ++u) {
      const T z = in[g[k].gate_src + u];
      const T gate = T(g[k].cst) * act_value(g[k].act, z);
      T dgate = T(0);
      for (int m = 0; m < g[k].dim; ++m) {
        const int o = g[k].dst + u * g[k].dim + m, i = g[k].src + u * g[k].dim + m;
        grad_in[i] += grad_out[o] * gate;
        dgate += grad_out[o] * in[i];
      }
      grad_in[g[k].gate_src + u] += dgate * T(g[k].cst) * act_derivative(g[k].act, z);
    }
}

inline constexpr int kTpMatrix = (2 * kMaxTpL + 1) * (2 * kMaxTpL + 1);  // one coupling matrix

// One 'uvu' instruction of the interaction tensor product (see model/nequip_model.hpp TpPath).
struct TpInstr {
  int mul, l1, l2, l3;
  int in_offset, out_offset, weight_offset, cg_offset;
  double path_weight;
};

// M[k1][k3] = pw * sum_k2 C[k1][k2][k3] Y_l2[k2]: the edge's coupling matrix for one instruction.
// D1, D3: 2 l1 + 1 and 2 l3 + 1 when known at compile time (tp_dispatch), so that M can live in
// registers; 0 reads them from t.
template <int D1 = 0, int D3 = 0, class T>
MDGPU_HD void tp_coupling(const TpInstr& t, const T* cg, const T* Y, T* M) {
  const int d1 = D1 ? D1 : 2 * t.l1 + 1, d2 = 2 * t.l2 + 1, d3 = D3 ? D3 : 2 * t.l3 + 1;
  const T* y = Y + t.l2 * t.l2;
  for (int k1 = 0; k1 < d1; ++k1)
    for (int k3 = 0; k3 < d3; ++k3) {
      T acc = T(0);
      for (int k2 = 0; k2 < d2; ++k2) acc += cg[t.cg_offset + (k1 * d2 + k2) * d3 + k3] * y[k2];
      M[k1 * d3 + k3] = T(t.path_weight) * acc;
    }
}

// Calls f(TpDim<2 l1 + 1>{}, TpDim<2 l3 + 1>{}) for t's l1 and l3 (l1 searched from L1, then l3
// from L3). With the dimensions known at compile time, the loops over k1 and k3 of an instruction
// (1 to 7 long) unroll instead of branching on run-time trip counts in the hottest loops of the
// model. The bodies keep their sums and their order, so the same bits.
template <int D>
struct TpDim {
  static constexpr int value = D;
};
template <int L1 = 0, int L3 = 0, class F>
MDGPU_HD void tp_dispatch(const TpInstr& t, const F& f) {
  if constexpr (L1 <= kMaxTpL && L3 <= kMaxTpL) {
    if (t.l1 != L1)
      tp_dispatch<L1 + 1, L3>(t, f);
    else if (t.l3 != L3)
      tp_dispatch<L1, L3 + 1>(t, f);
    else
      f(TpDim<2 * L1 + 1>{}, TpDim<2 * L3 + 1>{});
  }
}

// out[u][o] += scale w[u] sum_i in[u][i] M[i si + o so] for u < mul: an instruction's message
// (i = k1, o = k3) or its gradient to the input features (i = k3, o = k1).
template <int Din, int Dout, int Si, int So, class T>
MDGPU_HD void tp_contract(int mul, const T* in, const T* w, T scale, const T* M, T* out) {
  for (int u = 0; u < mul; ++u) {
    const T wu = scale * w[u];
    for (int o = 0; o < Dout; ++o) {
      T acc = T(0);
      for (int i = 0; i < Din; ++i) acc += in[u * Din + i] * M[i * Si + o * So];
      out[u * Dout + o] += wu * acc;
    }
  }
}

// Message of one edge: msg[out, u, k3] += scale * w[u] * sum_k1 x[in, u, k1] M[k1][k3].
template <class T>
MDGPU_HD void tp_message(const TpInstr* tp, int n, const T* cg, const T* Y, const T* w, const T* x,
                         T scale, T* msg) {
  T M[kTpMatrix];
  for (int i = 0; i < n; ++i) {
    const TpInstr& t = tp[i];
    tp_coupling(t, cg, Y, M);
    tp_dispatch(t, [&](auto d1, auto d3) {
      tp_contract<d1.value, d3.value, d3.value, 1>(t.mul, x + t.in_offset, w + t.weight_offset, scale, M,
                                                     msg + t.out_offset);
    });
  }
}

// Channel u of an instruction's message backward: returns dE/dw[u] and adds w[u] x[u] (x) G[u]
// to A[k1][k3] (xu = x[u], gu = G[u]).
template <int D1, int D3, class T>
MDGPU_HD T tp_channel_grad(const T* xu, const T* gu, T wu, const T* M, T* A) {
  T dw = T(0);
  for (int k1 = 0; k1 < D1; ++k1)
    for (int k3 = 0; k3 < D3; ++k3) {
      const T xg = xu[k1] * gu[k3];
      dw += xg * M[k1 * D3 + k3];
      A[k1 * D3 + k3] += wu * xg;
    }
  return dw;
}

// gY[l2 block] += pw * sum_{k1,k3} C[k1][k2][k3] A[k1][k3]: dE/dY of an instruction from the
// sum A of tp_channel_grad over its channels.
template <int D1, int D3, class T>
MDGPU_HD void tp_grad_y(const TpInstr& t, const T* cg, const T* A, T* gY) {
  const int d2 = 2 * t.l2 + 1;
  T* gy = gY + t.l2 * t.l2;
  for (int k2 = 0; k2 < d2; ++k2) {
    T acc = T(0);
    for (int k1 = 0; k1 < D1; ++k1)
      for (int k3 = 0; k3 < D3; ++k3) acc += cg[t.cg_offset + (k1 * d2 + k2) * D3 + k3] * A[k1 * D3 + k3];
    gy[k2] += T(t.path_weight) * acc;
  }
}

// Backward of one message with upstream gradient G (already including the message's scale):
// gw[u] += dE/dw, gY[c] += dE/dY (gY may be null).
template <class T>
MDGPU_HD void tp_message_grad_wy(const TpInstr* tp, int n, const T* cg, const T* Y, const T* w,
                                 const T* x, const T* G, T* gw, T* gY) {
  T M[kTpMatrix], A[kTpMatrix];
  for (int i = 0; i < n; ++i) {
    const TpInstr& t = tp[i];
    tp_coupling(t, cg, Y, M);
    tp_dispatch(t, [&](auto d1_, auto d3_) {
      constexpr int d1 = d1_.value, d3 = d3_.value;
      for (int k = 0; k < d1 * d3; ++k) A[k] = T(0);
      for (int u = 0; u < t.mul; ++u)
        gw[t.weight_offset + u] += tp_channel_grad<d1, d3>(x + t.in_offset + u * d1, G + t.out_offset + u * d3,
                                                           w[t.weight_offset + u], M, A);
      if (gY) tp_grad_y<d1, d3>(t, cg, A, gY);
    });
  }
}

// Backward of one message to its input features: gx[in, u, k1] += w[u] sum_k3 G[u, k3] M[k1][k3].
template <class T>
MDGPU_HD void tp_message_grad_x(const TpInstr* tp, int n, const T* cg, const T* Y, const T* w,
                                const T* G, T* gx) {
  T M[kTpMatrix];
  for (int i = 0; i < n; ++i) {
    const TpInstr& t = tp[i];
    tp_coupling(t, cg, Y, M);
    tp_dispatch(t, [&](auto d1, auto d3) {  // scale 1: 1 * w[u] is w[u], same bits
      tp_contract<d3.value, d1.value, 1, d3.value>(t.mul, G + t.out_offset, w + t.weight_offset, T(1), M,
                                                     gx + t.in_offset);
    });
  }
}

}  // namespace mdgpu::nequip
