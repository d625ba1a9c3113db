// Fused NequIP message kernels: a warp per atom (a row of Edges), a lane per channel u of the
// 'uvu' tensor product (lane, lane + 32, ... when mul > 32). The warp walks its row in chunks of
// up to `chunk` edges and recomputes their radial MLP from the edge embeddings: the hidden layers
// into the warp's shared scratch (a lane per (edge, neuron)), then per instruction and piece of up
// to 32 of its channels the last layer's outputs (the TP weights, the bulk of the MLP's products)
// for the chunk's edges into a tile of that scratch (float32 with Tf32: by the tensor cores in
// 3xTF32, kernels/cuda/warp_mma.cuh, the weights split at model load; otherwise a dot product per
// weight on the CUDA cores: float64, and float32's FMA path, kept for a GPU to say which is
// faster, kernels/cuda/nequip_kernels.hpp), read by the lane of each channel,
// so the per-edge TP weights never reach global memory; the backward takes the last layer's
// g W^T the same way, piece by piece. A lane owns the same channels of every instruction, hence
// the same output elements of its atom's row: it accumulates them in row order, with no atomics
// and no other lane writing them, so the same input gives the same bits. The CG products and the
// dense layers reuse the bodies of kernels/nequip_bodies.hpp and the items of
// kernels/nequip_item_kernels.hpp.
#pragma once

#include <cstdint>
#include <type_traits>

#include "kernels/cuda/warp_mma.cuh"
#include "kernels/nequip_item_kernels.hpp"

namespace mdgpu::cuda::fused {

inline constexpr int kWarp = 32;
inline constexpr int kWarpsPerBlock = 4;
inline constexpr int kMaxMlpLayers = 8;   // radial MLPs deeper than this take the item kernels
inline constexpr unsigned kFullMask = 0xffffffffu;

// The radial MLP by value (RadialMlp keeps its layers in host memory), as arrays per field: GCC
// 12's __builtin_clear_padding, which the SIMT emulator applies to kernel arguments, clears a
// member of an array of DenseView inside the argument tuple.
template <class T>
struct Mlp {
  int in[kMaxMlpLayers], out[kMaxMlpLayers];
  const T *W[kMaxMlpLayers], *WT[kMaxMlpLayers];
  T scale[kMaxMlpLayers];
  const T *W_hi, *W_lo;  // the last layer's W split in TF32 (float32 only; DenseView)
  int layers;
  nequip::Act act;
  double cst;

  Mlp() = default;
  explicit Mlp(const nequip::RadialMlp<T>& m)
      : W_hi(m.layers > 0 ? m.dense[m.layers - 1].W_hi : nullptr),
        W_lo(m.layers > 0 ? m.dense[m.layers - 1].W_lo : nullptr),
        layers(m.layers),
        act(m.act),
        cst(m.cst) {
    for (int j = 0; j < kMaxMlpLayers; ++j) {
      const nequip::DenseView<T> d = j < m.layers ? m.dense[j] : nequip::DenseView<T>{};
      in[j] = d.in;
      out[j] = d.out;
      W[j] = d.W;
      WT[j] = d.WT;
      scale[j] = d.scale;
    }
  }
  __host__ __device__ nequip::DenseView<T> dense(int j) const { return {in[j], out[j], W[j], WT[j], scale[j]}; }
};

// Offsets (T each) within one warp's scratch, for a chunk of edges: the hidden pre-activations z
// and activations h of every hidden layer ([layer][edge][neuron]) and the tile of TP weights of up
// to 32 channels ([edge][channel]); the backward adds the dE/dw of such a piece, each lane's
// partial dE/dY and two gradient rows of the widest layer input (the first accumulates dE/d(the
// last layer's input) over the pieces); the senders' kernel adds the embeddings of its chunk's
// edges (gathered: not contiguous in its row).
struct Scratch {
  int chunk;   // edges per chunk
  int hidden;  // chunk x sum of the hidden widths: z at 0, h at `hidden`
  int tile, emb, gw, gy, ga, gb;
  int forward_size, backward_size, sender_size;
};

inline constexpr int kMaxChunk = 8;

// The largest chunk (up to kMaxChunk) whose scratch for one kernel (`size`: &Scratch::forward_size,
// backward_size or sender_size) lets `warps` warps share `bytes`. Per kernel, as the backward's
// partial dE/dY (32 x sh_dim per edge) would hold the other two to its chunk: a chunk is the 8
// columns of the float32 kernels' mma, padded with zeros.
template <class T>
Scratch scratch_of(const Mlp<T>& m, int sh_dim, std::size_t bytes, int warps, int Scratch::*size) {
  int hidden = 0, width = 0;
  for (int j = 0; j + 1 < m.layers; ++j) hidden += m.out[j];
  for (int j = 0; j < m.layers; ++j) width = width > m.in[j] ? width : m.in[j];
  Scratch s{};
  for (int c = kMaxChunk; c >= 1; --c) {
    s.chunk = c;
    s.hidden = c * hidden;
    s.tile = 2 * s.hidden;
    s.forward_size = s.tile + c * kWarp;
    s.emb = s.forward_size;
    s.gw = s.forward_size;
    s.gy = s.gw + c * kWarp;
    s.ga = s.gy + c * kWarp * sh_dim;
    s.gb = s.ga + c * width;
    s.backward_size = s.gb + c * width;
    s.sender_size = s.forward_size + c * m.in[0];
    if (static_cast<std::size_t>(s.*size) * sizeof(T) * warps <= bytes) break;
  }
  return s;
}

// The hidden layers of edges [k, k + c) (embeddings emb, [edge][basis]) into z, h of the warp's
// scratch; returns the last layer's input ([edge][in]): the last hidden activations, or the
// embeddings when there is no hidden layer.
template <class T>
__device__ const T* mlp_hidden(const Mlp<T>& m, const T* emb, int c, int lane, T* z, T* h) {
  const T* x = emb;
  for (int j = 0; j + 1 < m.layers; ++j) {
    const nequip::items::DenseForward<T> layer{m.dense(j), x, z, h, m.act, m.cst};
    for (int i = lane; i < c * m.out[j]; i += kWarp) layer(i);
    __syncwarp();
    x = h;
    z += c * m.out[j];
    h += c * m.out[j];
  }
  return x;
}

// TP weights [first, first + n) (n <= 32) of the chunk's c edges, whose last-layer inputs are x
// ([edge][in]), into tile[edge][n]; ends with __syncwarp. Without Tf32: a dot product per weight,
// as the host. Tf32 (float32): the tile transposed, W^T x^T, on the tensor cores in 3xTF32, weights
// (W_hi, W_lo) as the 16 rows and edges as the 8 columns of an m16n8k8 product (a chunk has at
// most 8 edges), k over the layer's inputs by 8; past n weights, c edges or the inputs the
// operands are zeros.
template <bool Tf32, class T>
__device__ void chunk_weights(const Mlp<T>& m, const T* x, int c, int first, int n, int lane, T* tile) {
  static_assert(!Tf32 || std::is_same_v<T, float>, "3xTF32 is float32's");
  const int j = m.layers - 1, in = m.in[j], out = m.out[j];
  if constexpr (Tf32) {
    static_assert(kMaxChunk <= 8, "a chunk's edges are the 8 columns of one mma");
    const int g = lane / 4, q = lane % 4;
    auto w = [&](const float* Wp, int r, int k) {
      return r < n && k < in ? Wp[static_cast<std::int64_t>(k) * out + first + r] : 0.0f;
    };
    auto xe = [&](int e, int k) { return e < c && k < in ? x[e * in + k] : 0.0f; };
    auto store = [&](int r, int e, float v) {
      if (r < n && e < c) tile[e * n + r] = m.scale[j] * v;
    };
    for (int r0 = 0; r0 < n; r0 += 16) {
      float d[4] = {0.0f, 0.0f, 0.0f, 0.0f};
      for (int k0 = 0; k0 < in; k0 += 8) {
        const float a_hi[4] = {w(m.W_hi, r0 + g, k0 + q), w(m.W_hi, r0 + g + 8, k0 + q), w(m.W_hi, r0 + g, k0 + q + 4),
                               w(m.W_hi, r0 + g + 8, k0 + q + 4)};
        const float a_lo[4] = {w(m.W_lo, r0 + g, k0 + q), w(m.W_lo, r0 + g + 8, k0 + q), w(m.W_lo, r0 + g, k0 + q + 4),
                               w(m.W_lo, r0 + g + 8, k0 + q + 4)};
        const float b[2] = {xe(g, k0 + q), xe(g, k0 + q + 4)};
        mma::mma_m16n8k8_3xtf32(d, a_hi, a_lo, b);
      }
      store(r0 + g, 2 * q, d[0]);
      store(r0 + g, 2 * q + 1, d[1]);
      store(r0 + g + 8, 2 * q, d[2]);
      store(r0 + g + 8, 2 * q + 1, d[3]);
    }
  } else {
    for (int i = lane; i < c * n; i += kWarp)
      tile[i] = nequip::dense_dot(x + (i / n) * in, m.W[j], in, out, first + i % n, m.scale[j]);
  }
  __syncwarp();
}

// G[edge][k] += sum_r gw[edge][r] W[k][first + r] over a piece of n <= 32 TP weights: the last
// layer's input gradient, before its scale, accumulated piece by piece so that the chunk's dE/dw
// of every weight (1 920 per edge for the paper model) never has to be held. A lane updates the
// same elements of G at every piece. Tf32 (float32): D = W_piece gw^T + G^T on the tensor cores in
// 3xTF32 (W_hi, W_lo), the layer's inputs as the 16 rows, the edges as the 8 columns, k over the
// piece by 8.
template <bool Tf32, class T>
__device__ void accumulate_input_grad(const Mlp<T>& m, const T* gw, int c, int first, int n, int lane, T* G) {
  const int j = m.layers - 1, in = m.in[j], out = m.out[j];
  if constexpr (Tf32) {
    const int g = lane / 4, q = lane % 4;
    auto w = [&](const float* Wp, int k, int r) {
      return k < in && r < n ? Wp[static_cast<std::int64_t>(k) * out + first + r] : 0.0f;
    };
    auto ge = [&](int r, int e) { return r < n && e < c ? gw[e * n + r] : 0.0f; };
    for (int k0 = 0; k0 < in; k0 += 16) {
      const int rows[4] = {k0 + g, k0 + g, k0 + g + 8, k0 + g + 8}, cols[4] = {2 * q, 2 * q + 1, 2 * q, 2 * q + 1};
      float d[4];
      for (int i = 0; i < 4; ++i) d[i] = rows[i] < in && cols[i] < c ? G[cols[i] * in + rows[i]] : 0.0f;
      for (int r0 = 0; r0 < n; r0 += 8) {
        const float a_hi[4] = {w(m.W_hi, k0 + g, r0 + q), w(m.W_hi, k0 + g + 8, r0 + q), w(m.W_hi, k0 + g, r0 + q + 4),
                               w(m.W_hi, k0 + g + 8, r0 + q + 4)};
        const float a_lo[4] = {w(m.W_lo, k0 + g, r0 + q), w(m.W_lo, k0 + g + 8, r0 + q), w(m.W_lo, k0 + g, r0 + q + 4),
                               w(m.W_lo, k0 + g + 8, r0 + q + 4)};
        const float b[2] = {ge(r0 + q, g), ge(r0 + q + 4, g)};
        mma::mma_m16n8k8_3xtf32(d, a_hi, a_lo, b);
      }
      for (int i = 0; i < 4; ++i)
        if (rows[i] < in && cols[i] < c) G[cols[i] * in + rows[i]] = d[i];
    }
  } else {
    for (int i = lane; i < c * in; i += kWarp) {
      const int e = i / in, k = i % in;
      T acc = G[i];
      for (int r = 0; r < n; ++r) acc += gw[e * n + r] * m.W[j][static_cast<std::int64_t>(k) * out + first + r];
      G[i] = acc;
    }
  }
}

// For each instruction t of tp and each piece of up to 32 of its channels: the chunk's TP weights
// of the piece into the tile (every lane), then, by the lane of each channel u of the piece,
// body(t, u, w) with w[ce * stride] the weight of channel u for the chunk's edge ce; then, by every
// lane, after(first, n) for the piece's weights [first, first + n).
struct NoAfter {
  __device__ void operator()(int, int) const {}
};
template <bool Tf32, class T, class Body, class After = NoAfter>
__device__ void for_each_channel(const Mlp<T>& mlp, const nequip::TensorProduct<T>& tp, const T* x, int c, int lane,
                                 T* tile, const Body& body, const After& after = {}) {
  for (int i = 0; i < tp.n_instr; ++i) {
    const nequip::TpInstr t = tp.instr[i];
    for (int u0 = 0; u0 < t.mul; u0 += kWarp) {
      const int n = t.mul - u0 < kWarp ? t.mul - u0 : kWarp;
      chunk_weights<Tf32>(mlp, x, c, t.weight_offset + u0, n, lane, tile);
      if (lane < n) body(t, u0 + lane, tile + lane, n);
      __syncwarp();  // the tile read (and what body wrote complete) before the next piece overwrites it
      after(t.weight_offset + u0, n);
    }
  }
}

// From G, the chunk's dE/d(last layer's input) before the layer's scale (at ga, complete), back
// through the layers: gemb ([edge][basis] of the chunk's first edge) += dE/d(emb).
template <class T>
__device__ void mlp_backward(const Mlp<T>& m, const Scratch& s, int c, int lane, T* scratch, T* gemb) {
  const int last = m.layers - 1;
  int z_end = s.hidden / s.chunk * c;  // end of the pre-activations of layer j - 1
  T* g = scratch + s.ga;
  {  // the last layer's scale and its input's activation derivative, as items::DenseBackward
    const T* z_prev = last > 0 ? scratch + z_end - c * m.in[last] : nullptr;
    for (int i = lane; i < c * m.in[last]; i += kWarp) {
      const T v = m.scale[last] * g[i];
      if (z_prev)
        g[i] = v * (T(m.cst) * nequip::act_derivative(m.act, z_prev[i]));
      else
        gemb[i] += v;
    }
    __syncwarp();
    z_end -= c * m.in[last];
  }
  for (int j = last - 1; j >= 0; --j) {
    const T* z_prev = j > 0 ? scratch + z_end - c * m.in[j] : nullptr;
    T* out = j == 0 ? gemb : scratch + (g == scratch + s.ga ? s.gb : s.ga);
    const nequip::items::DenseBackward<T> layer{m.dense(j), g, z_prev, m.act, m.cst, out};
    for (int i = lane; i < c * m.in[j]; i += kWarp) layer(i);
    __syncwarp();
    z_end -= c * m.in[j];
    g = out;
  }
}

// The warp's atom (-1 past the last) and its scratch.
__device__ inline int warp_atom(int atoms) {
  const int a = static_cast<int>(blockIdx.x) * (static_cast<int>(blockDim.x) / kWarp) +
                static_cast<int>(threadIdx.x) / kWarp;
  return a < atoms ? a : -1;
}
template <class T>
__device__ T* warp_scratch(double* shared, int size) {
  return reinterpret_cast<T*>(shared) + static_cast<std::int64_t>(threadIdx.x / kWarp) * size;
}

// Channel u of instruction t's products for one edge, with the edge's harmonics Y and wu, the
// channel's weight times the scale and the path weight: the message, out[u][k3] += wu sum_k1
// in[u][k1] M[k1][k3] (in = the sender's x1, out = the receiver's message), or with Grad its
// gradient to the sender's features, out[u][k1] += wu sum_k3 in[u][k3] M[k1][k3] (in = the
// receiver's gmsg), where M[k1][k3] = sum_k2 C[k1][k2][k3] Y[k2]. M is not formed: a lane holds one or two channels, so a
// d1 x d3 matrix per lane costs registers (a stack frame) without saving arithmetic.
template <bool Grad, int d1, int d3, class T>
__device__ void channel_products(const nequip::TpInstr& t, const T* cg, const T* Y, const T* in, T wu, int u, T* out) {
  const int d2 = 2 * t.l2 + 1;
  const T* y = Y + t.l2 * t.l2;
  const T* c = cg + t.cg_offset;
  if constexpr (Grad) {
    const T* g = in + t.out_offset + u * d3;
    for (int k1 = 0; k1 < d1; ++k1) {
      T acc = T(0);
      for (int k2 = 0; k2 < d2; ++k2) {
        T s3 = T(0);
        for (int k3 = 0; k3 < d3; ++k3) s3 += c[(k1 * d2 + k2) * d3 + k3] * g[k3];
        acc += y[k2] * s3;
      }
      out[t.in_offset + u * d1 + k1] += wu * acc;
    }
  } else {
    const T* x = in + t.in_offset + u * d1;
    for (int k3 = 0; k3 < d3; ++k3) {
      T acc = T(0);
      for (int k1 = 0; k1 < d1; ++k1) {
        T s2 = T(0);
        for (int k2 = 0; k2 < d2; ++k2) s2 += c[(k1 * d2 + k2) * d3 + k3] * y[k2];
        acc += x[k1] * s2;
      }
      out[t.out_offset + u * d3 + k3] += wu * acc;
    }
  }
}

// Channel u of an instruction's message backward, straight from the coupling coefficients: returns
// dE/dw[u] = pw sum_k2 Y[k2] D[k2] and adds pw w[u] D[k2] to gY, with D[k2] = sum_{k1,k3}
// C[k1][k2][k3] x[u][k1] G[u][k3]. The host's matrix form (tp_channel_grad, tp_grad_y) keeps a
// d1 x d3 coupling and sum per call, which a lane holding one or two channels does not amortise:
// those two arrays pushed edge_grads_kernel<double> past 255 registers into spills.
template <int D1, int D3, class T>
__device__ T channel_grad_wy(const nequip::TpInstr& t, const T* cg, const T* Y, const T* xu, const T* gu, T wu,
                             T* gY) {
  const int d2 = 2 * t.l2 + 1;
  const T* y = Y + t.l2 * t.l2;
  T* gy = gY + t.l2 * t.l2;
  const T pw = T(t.path_weight);
  T dw = T(0);
  for (int k2 = 0; k2 < d2; ++k2) {
    T d = T(0);
    for (int k1 = 0; k1 < D1; ++k1)
      for (int k3 = 0; k3 < D3; ++k3) d += cg[t.cg_offset + (k1 * d2 + k2) * D3 + k3] * xu[k1] * gu[k3];
    dw += y[k2] * d;
    gy[k2] += pw * wu * d;
  }
  return pw * dw;
}

// agg[a - r.r0] += the messages of a's edges, in row order. One warp per receiver a of r.
template <class T, bool Tf32>
__global__ void __launch_bounds__(kWarp* kWarpsPerBlock)
    messages_kernel(nequip::Edges e, nequip::Receivers r, nequip::EdgeFeatures<T> f, Mlp<T> mlp,
                    nequip::TensorProduct<T> tp, Scratch s, const T* x1, T* agg) {
  extern __shared__ double fused_shared[];
  const int i = warp_atom(r.count()), lane = static_cast<int>(threadIdx.x) % kWarp;
  if (i < 0) return;  // the whole warp
  const int a = r.r0 + i;
  T* z = warp_scratch<T>(fused_shared, s.forward_size);
  T* out = agg + static_cast<std::int64_t>(i) * tp.dmid;
  for (std::int64_t k0 = e.row[a]; k0 < e.row[a + 1]; k0 += s.chunk) {
    const int c = static_cast<int>(e.row[a + 1] - k0 < s.chunk ? e.row[a + 1] - k0 : s.chunk);
    const T* h = mlp_hidden(mlp, f.emb + k0 * mlp.in[0], c, lane, z, z + s.hidden);
    for_each_channel<Tf32>(
        mlp, tp, h, c, lane, z + s.tile,
        [&](const nequip::TpInstr& t, int u, const T* w, int stride) {
          nequip::tp_dispatch(t, [&](auto d1, auto d3) {
            for (int ce = 0; ce < c; ++ce) {
              const std::int64_t k = k0 + ce;
              channel_products<false, d1.value, d3.value>(t, tp.cg, f.Y + k * tp.sh_dim,
                                                          x1 + static_cast<std::int64_t>(e.neighbor[k]) * tp.din,
                                                          tp.scale * w[ce * stride] * T(t.path_weight), u, out);
            }
          });
        });  // ends with __syncwarp: every lane has read h before the next chunk overwrites it
  }
}

// Per edge of receiver a's row (a in r), from a's message gradient gmsg[a - r.r0]: f.gY += dE/dY
// (each lane's sum over its channels, then the 32 partial sums in lane order) and f.gemb +=
// dE/d(emb) through the recomputed MLP.
template <class T, bool Tf32>
__global__ void __launch_bounds__(kWarp* kWarpsPerBlock)
    edge_grads_kernel(nequip::Edges e, nequip::Receivers r, nequip::EdgeFeatures<T> f, Mlp<T> mlp,
                      nequip::TensorProduct<T> tp, Scratch s, const T* x1, const T* gmsg) {
  extern __shared__ double fused_shared[];
  const int i = warp_atom(r.count()), lane = static_cast<int>(threadIdx.x) % kWarp;
  if (i < 0) return;
  const int a = r.r0 + i;
  T* scratch = warp_scratch<T>(fused_shared, s.backward_size);
  const int last_in = mlp.in[mlp.layers - 1];
  const T* Gm = gmsg + static_cast<std::int64_t>(i) * tp.dmid;
  for (std::int64_t k0 = e.row[a]; k0 < e.row[a + 1]; k0 += s.chunk) {
    const int c = static_cast<int>(e.row[a + 1] - k0 < s.chunk ? e.row[a + 1] - k0 : s.chunk);
    const T* h = mlp_hidden(mlp, f.emb + k0 * mlp.in[0], c, lane, scratch, scratch + s.hidden);
    for (int ce = 0; ce < c; ++ce)
      for (int q = 0; q < tp.sh_dim; ++q) scratch[s.gy + (ce * kWarp + lane) * tp.sh_dim + q] = T(0);
    for (int q = lane; q < c * last_in; q += kWarp) scratch[s.ga + q] = T(0);
    for_each_channel<Tf32>(
        mlp, tp, h, c, lane, scratch + s.tile,
        [&](const nequip::TpInstr& t, int u, const T* w, int stride) {
          nequip::tp_dispatch(t, [&](auto d1, auto d3) {
            for (int ce = 0; ce < c; ++ce) {
              const std::int64_t k = k0 + ce;
              const T* x = x1 + static_cast<std::int64_t>(e.neighbor[k]) * tp.din;
              scratch[s.gw + ce * stride + lane] = channel_grad_wy<d1.value, d3.value>(
                  t, tp.cg, f.Y + k * tp.sh_dim, x + t.in_offset + u * d1.value, Gm + t.out_offset + u * d3.value,
                  w[ce * stride], scratch + s.gy + (ce * kWarp + lane) * tp.sh_dim);
            }
          });
        },
        [&](int first, int n) { accumulate_input_grad<Tf32>(mlp, scratch + s.gw, c, first, n, lane, scratch + s.ga); });
    __syncwarp();  // the partial dE/dY and dE/d(last layer's input) of the chunk complete
    for (int i = lane; i < c * tp.sh_dim; i += kWarp) {
      const int ce = i / tp.sh_dim, q = i % tp.sh_dim;
      T sum = T(0);
      for (int l = 0; l < kWarp; ++l) sum += scratch[s.gy + (ce * kWarp + l) * tp.sh_dim + q];
      f.gY[(k0 + ce) * tp.sh_dim + q] += sum;
    }
    mlp_backward(mlp, s, c, lane, scratch, f.gemb + k0 * mlp.in[0]);  // ends with __syncwarp
  }
}

// gx1[a] += dE/d(x1 of a) through the messages a sends to the receivers r, for every node a
// (ghosts included): each edge k of a's row to one of them (row_span) carries x1[a] to
// center[m], m its reverse, with the weights and harmonics of edge m itself (its stored features:
// Y of r_a - r_center, no parity flip as the item kernels do). An edge whose reverse is missing
// (the check is read later) is skipped. The chunks gather those edges of a's row.
template <class T, bool Tf32>
__global__ void __launch_bounds__(kWarp* kWarpsPerBlock)
    sender_grads_kernel(nequip::Edges e, nequip::Receivers r, nequip::EdgeFeatures<T> f, Mlp<T> mlp,
                        nequip::TensorProduct<T> tp, Scratch s, const T* gmsg, T* gx1) {
  extern __shared__ double fused_shared[];
  const int a = warp_atom(e.nodes), lane = static_cast<int>(threadIdx.x) % kWarp;
  if (a < 0) return;
  T* z = warp_scratch<T>(fused_shared, s.sender_size);
  const int nb = mlp.in[0];
  T* out = gx1 + static_cast<std::int64_t>(a) * tp.din;
  // The embeddings of the chunk's message edges, gathered after the hidden layers' scratch.
  T* emb = z + s.emb;
  std::int64_t k, end;
  nequip::row_span(e, a, r, k, end);
  while (k < end) {
    std::int64_t m[kMaxChunk];
    int c = 0;
    for (; k < end && c < s.chunk; ++k)
      if (e.rev[k] != k) m[c++] = e.rev[k];
    if (c == 0) break;
    for (int i = lane; i < c * nb; i += kWarp) emb[i] = f.emb[m[i / nb] * nb + i % nb];
    __syncwarp();
    const T* h = mlp_hidden(mlp, emb, c, lane, z, z + s.hidden);
    for_each_channel<Tf32>(
        mlp, tp, h, c, lane, z + s.tile,
        [&](const nequip::TpInstr& t, int u, const T* w, int stride) {
          nequip::tp_dispatch(t, [&](auto d1, auto d3) {
            for (int ce = 0; ce < c; ++ce)
              channel_products<true, d1.value, d3.value>(
                  t, tp.cg, f.Y + m[ce] * tp.sh_dim, gmsg + static_cast<std::int64_t>(e.center[m[ce]] - r.r0) * tp.dmid,
                  w[ce * stride] * T(t.path_weight), u, out);
          });
        });  // ends with __syncwarp: emb and h read before the next chunk overwrites them
  }
}

}  // namespace mdgpu::cuda::fused
