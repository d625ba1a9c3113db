// Fused NequIP message kernels: a warp per atom (a row of Edges), a lane per channel u of the
// 'uvu' tensor product (lane, lane + 32, ... when mul > 32). For every edge of the row the warp
// recomputes the radial MLP from the edge embedding: the hidden layers once per edge into the
// warp's shared scratch (a lane per neuron), the last layer's output instr.weight_offset + u by
// the lane of channel u itself, so the per-edge TP weights never reach global memory. A lane
// owns the same channels of every instruction, hence the same output elements of its atom's row:
// it accumulates them in row order, with no atomics and no other lane writing them, so the same
// input gives the same bits. The CG products reuse the bodies of kernels/nequip_bodies.hpp.
//
// Scratch per warp (T each): the hidden pre-activations z and activations h of every hidden
// layer, then (backward only) the edge's dE/dw and two hidden-width gradient rows.
#pragma once

#include <cstdint>

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
  int layers;
  nequip::Act act;
  double cst;

  Mlp() = default;
  explicit Mlp(const nequip::RadialMlp<T>& m) : layers(m.layers), act(m.act), cst(m.cst) {
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

// Offsets within one warp's scratch.
struct Scratch {
  int hidden;  // sum of the hidden widths: z at 0, h at `hidden`
  int width;   // widest hidden layer (or the embedding when there is none)
  int gw;      // dE/dw (backward): at 2 hidden
  int ga, gb;  // hidden-width gradient rows (backward)
  int forward_size, backward_size;
};

template <class T>
Scratch scratch_of(const Mlp<T>& m) {
  Scratch s{};
  for (int j = 0; j + 1 < m.layers; ++j) s.hidden += m.out[j];
  for (int j = 0; j < m.layers; ++j) s.width = s.width > m.in[j] ? s.width : m.in[j];
  s.forward_size = 2 * s.hidden;
  s.gw = 2 * s.hidden;
  s.ga = s.gw + m.out[m.layers - 1];
  s.gb = s.ga + s.width;
  s.backward_size = s.gb + s.width;
  return s;
}

// The hidden layers of one edge into z, h of the warp's scratch (a lane per neuron); returns the
// last layer's input: the last hidden activations, or the embedding when there is no hidden layer.
template <class T>
__device__ const T* mlp_hidden(const Mlp<T>& m, const T* emb, int lane, T* z, T* h) {
  const T* x = emb;
  for (int j = 0; j + 1 < m.layers; ++j) {
    const nequip::items::DenseForward<T> layer{m.dense(j), x, z, h, m.act, m.cst};
    for (int o = lane; o < m.out[j]; o += kWarp) layer(o);
    __syncwarp();
    x = h;
    z += m.out[j];
    h += m.out[j];
  }
  return x;
}

// TP weight `i` of the edge whose last-layer input is x.
template <class T>
__device__ T mlp_weight(const Mlp<T>& m, const T* x, int i) {
  const int j = m.layers - 1;
  return nequip::dense_dot(x, m.W[j], m.in[j], m.out[j], i, m.scale[j]);
}

// From the edge's dE/dw (gw, complete in scratch) back through the layers: gemb += dE/d(emb).
template <class T>
__device__ void mlp_backward(const Mlp<T>& m, const Scratch& s, int lane, T* scratch, T* gemb) {
  const T* g = scratch + s.gw;
  int z_end = s.hidden;  // end of the pre-activations of layer j - 1
  for (int j = m.layers - 1; j >= 0; --j) {
    const nequip::DenseView<T> d = m.dense(j);
    const T* z_prev = j > 0 ? scratch + z_end - d.in : nullptr;
    T* out = j == 0 ? gemb : scratch + (g == scratch + s.ga ? s.gb : s.ga);
    const nequip::items::DenseBackward<T> layer{d, g, z_prev, m.act, m.cst, out};
    for (int i = lane; i < d.in; i += kWarp) layer(i);
    __syncwarp();
    z_end -= d.in;
    g = out;
  }
}

// Sum over the warp in a fixed butterfly: every lane gets the same bits (each step adds the
// same two values on both lanes of a pair, and addition commutes).
template <class T>
__device__ T warp_sum(T v) {
  for (int s = kWarp / 2; s > 0; s /= 2) v += __shfl_xor_sync(kFullMask, v, s);
  return v;
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

// agg[a] += the messages of a's edges, in row order. One warp per centre.
template <class T>
__global__ void __launch_bounds__(kWarp* kWarpsPerBlock)
    messages_kernel(nequip::Edges e, nequip::EdgeFeatures<T> f, Mlp<T> mlp, nequip::TensorProduct<T> tp,
                    Scratch s, const T* x1, T* agg) {
  extern __shared__ double fused_shared[];
  const int a = warp_atom(e.n), lane = static_cast<int>(threadIdx.x) % kWarp;
  if (a < 0) return;  // the whole warp
  T* z = warp_scratch<T>(fused_shared, s.forward_size);
  const int nb = mlp.in[0];
  T* out = agg + static_cast<std::int64_t>(a) * tp.dmid;
  for (std::int64_t k = e.row[a]; k < e.row[a + 1]; ++k) {
    const T* h = mlp_hidden(mlp, f.emb + k * nb, lane, z, z + s.hidden);
    const T* Y = f.Y + k * tp.sh_dim;
    const T* x = x1 + static_cast<std::int64_t>(e.neighbor[k]) * tp.din;
    for (int i = 0; i < tp.n_instr; ++i) {
      const nequip::TpInstr t = tp.instr[i];
      if (lane >= t.mul) continue;
      T M[nequip::kTpMatrix];
      nequip::tp_coupling(t, tp.cg, Y, M);
      nequip::tp_dispatch(t, [&](auto d1, auto d3) {
        for (int u = lane; u < t.mul; u += kWarp) {
          const T w = mlp_weight(mlp, h, t.weight_offset + u);
          nequip::tp_contract<d1.value, d3.value, d3.value, 1>(1, x + t.in_offset + u * d1.value, &w, tp.scale, M,
                                                                 out + t.out_offset + u * d3.value);
        }
      });
    }
    __syncwarp();  // every lane has read h before the next edge overwrites it
  }
}

// Per edge of centre a's row, from a's message gradient gmsg[a]: f.gY += dE/dY (lane partial
// sums over the channels, then a warp sum) and f.gemb += dE/d(emb) through the recomputed MLP.
template <class T>
__global__ void __launch_bounds__(kWarp* kWarpsPerBlock)
    edge_grads_kernel(nequip::Edges e, nequip::EdgeFeatures<T> f, Mlp<T> mlp, nequip::TensorProduct<T> tp,
                      Scratch s, const T* x1, const T* gmsg) {
  extern __shared__ double fused_shared[];
  const int a = warp_atom(e.n), lane = static_cast<int>(threadIdx.x) % kWarp;
  if (a < 0) return;
  T* scratch = warp_scratch<T>(fused_shared, s.backward_size);
  const int nb = mlp.in[0];
  const T* G = gmsg + static_cast<std::int64_t>(a) * tp.dmid;
  for (std::int64_t k = e.row[a]; k < e.row[a + 1]; ++k) {
    const T* h = mlp_hidden(mlp, f.emb + k * nb, lane, scratch, scratch + s.hidden);
    const T* Y = f.Y + k * tp.sh_dim;
    const T* x = x1 + static_cast<std::int64_t>(e.neighbor[k]) * tp.din;
    T gy[nequip::kMaxShDim];
    for (int c = 0; c < tp.sh_dim; ++c) gy[c] = T(0);
    for (int i = 0; i < tp.n_instr; ++i) {
      const nequip::TpInstr t = tp.instr[i];
      if (lane >= t.mul) continue;
      T M[nequip::kTpMatrix], A[nequip::kTpMatrix];
      nequip::tp_coupling(t, tp.cg, Y, M);
      nequip::tp_dispatch(t, [&](auto d1_, auto d3_) {
        constexpr int d1 = d1_.value, d3 = d3_.value;
        for (int c = 0; c < d1 * d3; ++c) A[c] = T(0);
        for (int u = lane; u < t.mul; u += kWarp)
          scratch[s.gw + t.weight_offset + u] = nequip::tp_channel_grad<d1, d3>(
              x + t.in_offset + u * d1, G + t.out_offset + u * d3, mlp_weight(mlp, h, t.weight_offset + u), M, A);
        nequip::tp_grad_y<d1, d3>(t, tp.cg, A, gy);
      });
    }
    for (int c = 0; c < tp.sh_dim; ++c) {
      const T v = warp_sum(gy[c]);
      if (lane == 0) f.gY[k * tp.sh_dim + c] += v;
    }
    __syncwarp();  // dE/dw complete
    mlp_backward(mlp, s, lane, scratch, f.gemb + k * nb);
  }
}

// gx1[a] += dE/d(x1 of a) through every message a sends, for every node a (ghosts included):
// each edge k of a's row whose reverse m is a message edge (m < count; a ghost receives none)
// carries x1[a] to center[m], with the weights and harmonics of edge m itself (its stored
// features: Y of r_a - r_center, no parity flip as the item kernels do).
template <class T>
__global__ void __launch_bounds__(kWarp* kWarpsPerBlock)
    sender_grads_kernel(nequip::Edges e, nequip::EdgeFeatures<T> f, Mlp<T> mlp, nequip::TensorProduct<T> tp,
                        Scratch s, const T* gmsg, T* gx1) {
  extern __shared__ double fused_shared[];
  const int a = warp_atom(e.nodes), lane = static_cast<int>(threadIdx.x) % kWarp;
  if (a < 0) return;
  T* z = warp_scratch<T>(fused_shared, s.forward_size);
  const int nb = mlp.in[0];
  T* out = gx1 + static_cast<std::int64_t>(a) * tp.din;
  for (std::int64_t k = e.row[a]; k < e.row[a + 1]; ++k) {
    const std::int64_t m = e.rev[k];
    if (m >= e.count) continue;  // the same for the whole warp
    const T* h = mlp_hidden(mlp, f.emb + m * nb, lane, z, z + s.hidden);
    const T* Y = f.Y + m * tp.sh_dim;
    const T* G = gmsg + static_cast<std::int64_t>(e.center[m]) * tp.dmid;
    for (int i = 0; i < tp.n_instr; ++i) {
      const nequip::TpInstr t = tp.instr[i];
      if (lane >= t.mul) continue;
      T M[nequip::kTpMatrix];
      nequip::tp_coupling(t, tp.cg, Y, M);
      nequip::tp_dispatch(t, [&](auto d1, auto d3) {
        for (int u = lane; u < t.mul; u += kWarp) {
          const T w = mlp_weight(mlp, h, t.weight_offset + u);
          nequip::tp_contract<d3.value, d1.value, 1, d3.value>(1, G + t.out_offset + u * d3.value, &w, T(1), M,
                                                                 out + t.in_offset + u * d1.value);
        }
      });
    }
    __syncwarp();
  }
}

}  // namespace mdgpu::cuda::fused
