// The tensor cores' TF32 matrix multiply-accumulate, one warp's mma.sync m16n8k8 (sm_80+), and the
// split that makes it accurate enough for float32 NequIP: x = hi + lo with hi = tf32(x) and
// lo = tf32(x - hi), a b ~ hi_a hi_b + hi_a lo_b + lo_a hi_b ("3xTF32"; lo_a lo_b is below float32's
// rounding). Plain TF32 misses the float32 force bound by 40-300x, 3xTF32 stays within it
// (benches/RESULTS.md). The left operand (the fused NequIP kernels' weights) comes split once at
// model load; only the right one (per edge) is split here. Inline PTX on the device; under the
// SIMT emulator (simt/README.md) the same instructions as its stand-ins, the mma one warp
// collective.
#pragma once

#include <cstdint>

namespace mdgpu::cuda::mma {

// cvt.rna.tf32.f32: 10 mantissa bits, to nearest, ties away from zero.
__device__ inline float to_tf32(float x) {
#ifdef __CUDACC__
  std::uint32_t r;
  asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
  return __uint_as_float(r);
#else
  return simt::cvt_rna_tf32(x);
#endif
}

// d += A B for one 16x8x8 tile, every lane of the warp with its fragments (the PTX ISA's layout,
// g = lane / 4, t = lane % 4): a = A[g][t], A[g+8][t], A[g][t+4], A[g+8][t+4]; b = B[t][g],
// B[t+4][g]; d = D[g][2t], D[g][2t+1], D[g+8][2t], D[g+8][2t+1]. a and b must be TF32 values.
__device__ inline void mma_m16n8k8_tf32(float d[4], const float a[4], const float b[2]) {
#ifdef __CUDACC__
  asm volatile(
      "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(__float_as_uint(a[0])), "r"(__float_as_uint(a[1])), "r"(__float_as_uint(a[2])),
        "r"(__float_as_uint(a[3])), "r"(__float_as_uint(b[0])), "r"(__float_as_uint(b[1])));
#else
  simt::mma_m16n8k8_tf32(d, a, b, d);
#endif
}

// x = hi + lo, both TF32.
__device__ inline void split_tf32(float x, float& hi, float& lo) {
  hi = to_tf32(x);
  lo = to_tf32(x - hi);
}

// d += A B in 3xTF32, A given already split (a_hi + a_lo, both TF32: the weights, split once at
// model load, kernels/tf32_split.hpp) and the float32 fragment b split here: three tensor-core
// products into the same float32 accumulator (layout as above).
__device__ inline void mma_m16n8k8_3xtf32(float d[4], const float a_hi[4], const float a_lo[4], const float b[2]) {
  float b_hi[2], b_lo[2];
  for (int i = 0; i < 2; ++i) split_tf32(b[i], b_hi[i], b_lo[i]);
  mma_m16n8k8_tf32(d, a_lo, b_hi);
  mma_m16n8k8_tf32(d, a_hi, b_lo);
  mma_m16n8k8_tf32(d, a_hi, b_hi);
}

}  // namespace mdgpu::cuda::mma
