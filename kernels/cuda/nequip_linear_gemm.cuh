// The e3nn linears of the CUDA backend as tiled GEMMs. Each path of a linear (one (l, parity)
// block to one) is, over the rows (atom a, component m), the product of [rows, K] by [K, N]:
//   forward   y[a][out + n*dim + m] += alpha sum_k x[a][in + k*dim + m] W[k][type(a)][n]   (K = mul_in)
//   backward  g[a][in + n*dim + m]  += alpha sum_k d[a][out + k*dim + m] WT[type(a)][k][n] (K = mul_out)
// One launch per linear: block (atom tile, path). Paths writing the same output block (forward:
// same out_offset; backward: same in_offset) are all done, in path order, by the block of the
// first of them, so that every output element has one writer and no atomics are needed. Per-species
// weights (the self-connection) are selected per row from shared tiles holding every species'
// slice. A thread keeps kRowsPerThread rows of one column and sums k in ascending order in float64
// (the weights are float64), then rounds alpha * sum once per path: the same sums, in the same
// order, as linear_forward_element / linear_backward_element (kernels/nequip_bodies.hpp), the oracle.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/nequip_views.hpp"

namespace mdgpu::cuda::gemm {

inline constexpr int kTile = 32;  // rows, columns and k of a block's tile; atoms of a block
inline constexpr int kRowsPerThread = 4;
inline constexpr int kThreads = kTile * kTile / kRowsPerThread;

// Dynamic shared memory (bytes) of a launch: the x tile and one weight tile per species slice read.
inline std::size_t shared_bytes(int slices) {
  return static_cast<std::size_t>(1 + slices) * kTile * kTile * sizeof(double);
}

// One path in GEMM form, for the forward or (Backward) the transposed product.
struct Path {
  int x_offset, y_offset, K, N, dim;
  std::int64_t w_offset, k_stride, type_stride;  // W[w_offset + k k_stride + type type_stride + n]
  double alpha;
  int group;  // the output block: paths with equal `group` write the same elements
};

template <bool Backward>
__device__ inline Path path_of(const nequip::LinearPath& p, int types) {
  if constexpr (Backward)
    return {p.out_offset, p.in_offset, p.mul_out, p.mul_in, p.dim, p.weight_offset, p.mul_in,
            static_cast<std::int64_t>(p.mul_out) * p.mul_in, p.alpha, p.in_offset};
  else
    return {p.in_offset, p.out_offset, p.mul_in, p.mul_out, p.dim, p.weight_offset,
            static_cast<std::int64_t>(types) * p.mul_out, p.mul_out, p.alpha, p.out_offset};
}

// y (y_width per atom) += the linear of x (x_width per atom) for atoms [0, n); W is L.W forward,
// L.WT backward. `type` null: weight slice 0 for every atom. At least two blocks per SM: ptxas
// (CUDA 13, sm_90) then allots 128 registers, no spill; bounding the threads alone, it chose 80
// registers for three kernels of the four and spilled.
template <bool Backward, class T>
__global__ void __launch_bounds__(kThreads, 2)
    linear_kernel(nequip::LinearView L, const int* type, int n, const T* x, int x_width, T* y, int y_width) {
  extern __shared__ double gemm_shared[];
  double* xs = gemm_shared;          // [kTile rows][kTile k]
  double* ws = xs + kTile * kTile;   // [slice][kTile k][kTile n]
  const Path first = path_of<Backward>(L.paths[blockIdx.y], L.types);
  for (int q = 0; q < static_cast<int>(blockIdx.y); ++q)
    if (path_of<Backward>(L.paths[q], L.types).group == first.group) return;  // the whole block: q writes them
  const double* W = Backward ? L.WT : L.W;
  const int slices = type ? L.types : 1;
  const int tx = static_cast<int>(threadIdx.x) % kTile, ty = static_cast<int>(threadIdx.x) / kTile;
  const int a0 = static_cast<int>(blockIdx.x) * kTile;
  const int atoms = n - a0 < kTile ? n - a0 : kTile;
  const int dim = first.dim, rows = atoms * dim;
  for (int r0 = 0; r0 < rows; r0 += kTile) {
    // The thread's rows r0 + ty + i (kTile / kRowsPerThread) apart: atom, component, weight slice.
    int row_atom[kRowsPerThread], row_m[kRowsPerThread], row_slice[kRowsPerThread];
    for (int i = 0; i < kRowsPerThread; ++i) {
      const int r = r0 + ty + i * (kTile / kRowsPerThread);
      row_atom[i] = r < rows ? a0 + r / dim : -1;
      row_m[i] = r % dim;
      row_slice[i] = row_atom[i] >= 0 && type ? type[row_atom[i]] : 0;
    }
    for (int n0 = 0; n0 < first.N; n0 += kTile) {
      for (int pq = static_cast<int>(blockIdx.y); pq < L.n_paths; ++pq) {
        const Path p = path_of<Backward>(L.paths[pq], L.types);
        if (p.group != first.group) continue;
        double acc[kRowsPerThread] = {};
        for (int k0 = 0; k0 < p.K; k0 += kTile) {
          // Load the x tile (rows r0.., k k0..) and every slice's weight tile (k k0.., n n0..).
          for (int i = static_cast<int>(threadIdx.x); i < kTile * kTile; i += kThreads) {
            const int r = r0 + i / kTile, k = k0 + i % kTile;
            double v = 0.0;
            if (r < rows && k < p.K)
              v = x[static_cast<std::int64_t>(a0 + r / dim) * x_width + p.x_offset + k * dim + r % dim];
            xs[i] = v;
          }
          for (int i = static_cast<int>(threadIdx.x); i < slices * kTile * kTile; i += kThreads) {
            const int s = i / (kTile * kTile), k = k0 + i / kTile % kTile, c = n0 + i % kTile;
            ws[i] = k < p.K && c < p.N ? W[p.w_offset + k * p.k_stride + s * p.type_stride + c] : 0.0;
          }
          __syncthreads();
          const int kn = p.K - k0 < kTile ? p.K - k0 : kTile;
          for (int kk = 0; kk < kn; ++kk)
            for (int i = 0; i < kRowsPerThread; ++i)
              acc[i] += xs[(ty + i * (kTile / kRowsPerThread)) * kTile + kk] * ws[(row_slice[i] * kTile + kk) * kTile + tx];
          __syncthreads();  // every thread has read the tiles before the next load
        }
        const int c = n0 + tx;
        if (c >= p.N) continue;
        for (int i = 0; i < kRowsPerThread; ++i)
          if (row_atom[i] >= 0)
            y[static_cast<std::int64_t>(row_atom[i]) * y_width + p.y_offset + c * dim + row_m[i]] += T(p.alpha * acc[i]);
      }
    }
  }
}

}  // namespace mdgpu::cuda::gemm
