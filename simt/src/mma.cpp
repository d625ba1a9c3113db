// The tensor cores' TF32 matrix multiply-accumulate (simt/runtime.hpp says what it computes): one
// warp collective per mma, whose last arriving lane computes the 16x8 result for the warp.
#include <cstdint>
#include <cstring>
#include <string>

#include "simt/src/internal.hpp"

namespace simt {

float cvt_rna_tf32(float x) {
  std::uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  // Half a TF32 ulp added to the magnitude, then truncated: nearest, ties away from zero (a carry
  // into the exponent is the correct rounding up; it reaches infinity only past the largest TF32).
  if ((u & 0x7f800000u) != 0x7f800000u) u = (u + 0x1000u) & 0xffffe000u;
  std::memcpy(&x, &u, sizeof u);
  return x;
}

void mma_m16n8k8_tf32(float d[4], const float a[4], const float b[2], const float c[4]) {
  detail::MmaLane lane{a, b, c, d};
  warp_collective(Collective::MmaTf32, 0xffffffffu, reinterpret_cast<std::uintptr_t>(&lane), 0, 32);
}

namespace detail {
namespace {

bool is_tf32(float x) {
  std::uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return (u & 0x1fffu) == 0 || (u & 0x7f800000u) == 0x7f800000u;
}

}  // namespace

std::string complete_mma_m16n8k8_tf32(MmaLane* const lanes[32]) {
  float A[16][8], B[8][8], C[16][8];
  for (int l = 0; l < 32; ++l) {
    const int g = l / 4, t = l % 4;
    const MmaLane& m = *lanes[l];
    for (int i = 0; i < 4; ++i)
      if (!is_tf32(m.a[i])) return "mma operand a[" + std::to_string(i) + "] of lane " + std::to_string(l) + " is not TF32";
    for (int i = 0; i < 2; ++i)
      if (!is_tf32(m.b[i])) return "mma operand b[" + std::to_string(i) + "] of lane " + std::to_string(l) + " is not TF32";
    A[g][t] = m.a[0];
    A[g + 8][t] = m.a[1];
    A[g][t + 4] = m.a[2];
    A[g + 8][t + 4] = m.a[3];
    B[t][g] = m.b[0];
    B[t + 4][g] = m.b[1];
    C[g][2 * t] = m.c[0];
    C[g][2 * t + 1] = m.c[1];
    C[g + 8][2 * t] = m.c[2];
    C[g + 8][2 * t + 1] = m.c[3];
  }
  for (int r = 0; r < 16; ++r)
    for (int n = 0; n < 8; ++n)
      for (int k = 0; k < 8; ++k) C[r][n] += A[r][k] * B[k][n];
  // Every lane's c has been read: d may be the same array.
  for (int l = 0; l < 32; ++l) {
    const int g = l / 4, t = l % 4;
    float* d = lanes[l]->d;
    d[0] = C[g][2 * t];
    d[1] = C[g][2 * t + 1];
    d[2] = C[g + 8][2 * t];
    d[3] = C[g + 8][2 * t + 1];
  }
  return {};
}

}  // namespace detail
}  // namespace simt
