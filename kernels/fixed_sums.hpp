// A fixed number of doubles summed together: the value type of reductions of several sums at once
// (kinetic tensor, virial) on any executor.
#pragma once

#include "core/hd.hpp"

namespace mdgpu {

template <int K>
struct Sums {
  double v[K];
  MDGPU_HD Sums operator+(const Sums& o) const {
    Sums s;
    for (int k = 0; k < K; ++k) s.v[k] = v[k] + o.v[k];
    return s;
  }
};

}  // namespace mdgpu
