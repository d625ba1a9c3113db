// Executor of the item kernels (kernels/nequip_item_kernels.hpp) on the host: OpenMP loops over
// the items, sums in item order (so a sum over edges rounds exactly as a serial loop does).
#pragma once

#include <cstdint>

#include "kernels/memory.hpp"

namespace mdgpu {

struct OmpExec {
  Space space() const { return Space::Host; }

  template <class F>
  void for_each(std::int64_t n, const F& f) const {
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) f(i);
  }

  std::int64_t rows(const std::int64_t* counts, int n, std::int64_t* row) const {
    row[0] = 0;
    for (int i = 0; i < n; ++i) row[i + 1] = row[i] + counts[i];
    return row[n];
  }

  template <class R, class F>
  R sum(std::int64_t n, const F& f) const {
    R acc{};
    for (std::int64_t i = 0; i < n; ++i) acc = acc + f(i);
    return acc;
  }
};

}  // namespace mdgpu
