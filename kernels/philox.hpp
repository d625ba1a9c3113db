// Philox4x32-10 counter-based random numbers (Salmon et al., SC'11): the same stream on every
// backend and thread layout, so Langevin runs are reproducible and restartable from a step count.
#pragma once

#include <cmath>
#include <cstdint>

#include "core/hd.hpp"

namespace mdgpu {

struct Philox4 {
  std::uint32_t v[4];
};

MDGPU_HD void philox_mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo) {
  const std::uint64_t p = static_cast<std::uint64_t>(a) * b;
  hi = static_cast<std::uint32_t>(p >> 32);
  lo = static_cast<std::uint32_t>(p);
}

// counter = (c0, c1, c2, c3), key = (k0, k1).
MDGPU_HD Philox4 philox4x32_10(Philox4 ctr, std::uint32_t k0, std::uint32_t k1) {
  constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
  constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    std::uint32_t hi0, lo0, hi1, lo1;
    philox_mulhilo(kM0, ctr.v[0], hi0, lo0);
    philox_mulhilo(kM1, ctr.v[2], hi1, lo1);
    ctr = Philox4{{hi1 ^ ctr.v[1] ^ k0, lo1, hi0 ^ ctr.v[3] ^ k1, lo0}};
    k0 += kW0;
    k1 += kW1;
  }
  return ctr;
}

// Uniform in (0, 1], from 32 random bits.
MDGPU_HD double philox_uniform(std::uint32_t bits) { return (bits + 1.0) * (1.0 / 4294967296.0); }

// Four standard normal deviates for (stream, item, step) under `seed`, by Box–Muller.
MDGPU_HD void philox_normal4(std::uint64_t seed, std::uint32_t stream, std::uint32_t item,
                             std::uint64_t step, double out[4]) {
  const Philox4 ctr{{item, stream, static_cast<std::uint32_t>(step),
                     static_cast<std::uint32_t>(step >> 32)}};
  const Philox4 r = philox4x32_10(ctr, static_cast<std::uint32_t>(seed),
                                  static_cast<std::uint32_t>(seed >> 32));
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  for (int k = 0; k < 2; ++k) {
    const double radius = std::sqrt(-2.0 * std::log(philox_uniform(r.v[2 * k])));
    const double angle = kTwoPi * philox_uniform(r.v[2 * k + 1]);
    out[2 * k] = radius * std::cos(angle);
    out[2 * k + 1] = radius * std::sin(angle);
  }
}

}  // namespace mdgpu
