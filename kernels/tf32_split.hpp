// TF32 on the host: the rounding of the tensor cores' cvt.rna.tf32.f32, and the split x = hi + lo
// (both TF32) that the float32 fused NequIP kernels' 3xTF32 products take their weights in
// (kernels/cuda/warp_mma.cuh). The weights never change, so they are split once, when the
// network's device weights are made (model/nequip_network.cpp), not at every use on the device.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace mdgpu::nequip {

// cvt.rna.tf32.f32: keep 10 mantissa bits, to nearest, ties away from zero (half a TF32 ulp added
// to the magnitude, then truncated); infinities and NaN unchanged.
inline float round_to_tf32(float x) {
  std::uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  if ((u & 0x7f800000u) != 0x7f800000u) u = (u + 0x1000u) & 0xffffe000u;
  std::memcpy(&x, &u, sizeof u);
  return x;
}

// hi = tf32(w), lo = tf32(w - hi), element by element.
inline void split_tf32(const std::vector<float>& w, std::vector<float>& hi, std::vector<float>& lo) {
  hi.resize(w.size());
  lo.resize(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) {
    hi[i] = round_to_tf32(w[i]);
    lo[i] = round_to_tf32(w[i] - hi[i]);
  }
}

}  // namespace mdgpu::nequip
