// The host executor of the item kernels (kernels/md_backend.hpp, kernels/nequip_item_kernels.hpp):
// OpenMP loops over the items. Reductions run over fixed blocks of items, each block in item
// order, then over the block results in order: the result does not depend on the thread count.
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/grain.hpp"
#include "kernels/memory.hpp"

namespace mdgpu {

class OmpExec {
public:
  Space space() const { return Space::Host; }
  std::string describe() const { return "CPU, " + std::to_string(omp_get_max_threads()) + " OpenMP threads"; }

  template <class F>
  void for_each(std::int64_t n, const F& f, Grain g = kHeavyItems) const {
    if (g.chunk > 0) {
#pragma omp parallel for schedule(dynamic, g.chunk) if (n >= g.min_parallel)
      for (std::int64_t i = 0; i < n; ++i) f(i);
    } else {
#pragma omp parallel for schedule(static) if (n >= g.min_parallel)
      for (std::int64_t i = 0; i < n; ++i) f(i);
    }
  }

  // row[0] = 0, row[i + 1] = row[i] + counts[i]; returns row[n].
  std::int64_t rows(const std::int64_t* counts, int n, std::int64_t* row) const {
    row[0] = 0;
    for (int i = 0; i < n; ++i) row[i + 1] = row[i] + counts[i];
    return row[n];
  }
  void rows_into(const std::int64_t* counts, int n, std::int64_t* row) const { rows(counts, n, row); }

  // merge(...merge(merge(init, value(0)), value(1))..., value(n - 1)) for n up to one block;
  // beyond, the block results merged in block order.
  template <class R, class F, class Merge>
  R reduce(std::int64_t n, const R& init, const F& value, const Merge& merge) const {
    const std::int64_t nblocks = (n + kReduceBlock - 1) / kReduceBlock;
    std::vector<R> partial(static_cast<std::size_t>(nblocks), init);
#pragma omp parallel for schedule(static) if (n >= kLightItems.min_parallel)
    for (std::int64_t b = 0; b < nblocks; ++b) {
      R acc = init;
      const std::int64_t end = std::min(n, (b + 1) * kReduceBlock);
      for (std::int64_t i = b * kReduceBlock; i < end; ++i) acc = merge(acc, value(i));
      partial[static_cast<std::size_t>(b)] = acc;
    }
    R total = init;
    for (const R& p : partial) total = merge(total, p);
    return total;
  }

  // The same, its result written to `out` (host memory, as every buffer of this executor).
  template <class R, class F, class Merge>
  void reduce_into(std::int64_t n, const R& init, const F& value, const Merge& merge, R* out) const {
    *out = reduce(n, init, value, merge);
  }

  template <class R, class F>
  R sum(std::int64_t n, const F& f) const {
    return reduce(n, R{}, f, [](const R& l, const R& r) { return l + r; });
  }
  template <class R, class F>
  void sum_into(std::int64_t n, const F& f, R* out) const {
    *out = sum<R>(n, f);
  }

  // Stable counting sort of the items 0..n-1 by key (0 <= key < nkeys): order lists the items
  // key by key, in ascending item order within a key; start (nkeys + 1) holds where each key's
  // items begin, so key k's items are order[start[k] .. start[k + 1]).
  void sort_by_key(const int* key, int n, int nkeys, int* order, int* start) const {
    std::fill(start, start + nkeys + 1, 0);
    for (int i = 0; i < n; ++i) ++start[key[i] + 1];
    for (int k = 0; k < nkeys; ++k) start[k + 1] += start[k];
    std::vector<int> cursor(start, start + nkeys);
    for (int i = 0; i < n; ++i) order[cursor[key[i]]++] = i;
  }

  // Moves row i of `data` from [i * capacity, i * capacity + counts[i]) to [row[i], row[i + 1])
  // (row from rows()), in place: rows only move down, so in row order none is overwritten before
  // it is read. Sequential, as a parallel split could overwrite a row another thread has yet to read.
  static constexpr bool kPacksRowsInPlace = true;
  template <class T>
  void pack_rows(T* data, const std::int64_t* counts, int n, std::int64_t capacity, const std::int64_t* row) const {
    for (int i = 0; i < n; ++i) std::memmove(data + row[i], data + i * capacity, counts[i] * sizeof(T));
  }

  // Items may add to other items' entries (for_each_private).
  static constexpr bool kPrivateAccumulators = true;

  // f(i, acc) for every item, where acc[k] stands for out[k] (n entries each): out[k] itself,
  // zeroed, on one thread; with more, each thread's private zeroed copy, and afterwards out[k] is
  // the copies summed in thread order. Items go to threads in equal static shares, so the result is
  // the same from run to run for a given thread count (not across counts: the sums group
  // differently).
  template <std::size_t K, class F>
  void for_each_private(std::int64_t n, double* const (&out)[K], const F& f) const {
    const int threads = n >= kNeighborItems.min_parallel ? omp_get_max_threads() : 1;
    if (threads == 1) {
      for (double* o : out) std::fill(o, o + n, 0.0);
      for (std::int64_t i = 0; i < n; ++i) f(i, out);
      return;
    }
    const std::size_t len = static_cast<std::size_t>(n);
    private_.resize(static_cast<std::size_t>(threads) * K * len);
    double* const base = private_.data();
    int team = 1;
#pragma omp parallel num_threads(threads)
    {
      const int t = omp_get_thread_num();
#pragma omp single
      team = omp_get_num_threads();
      double* acc[K];
      for (std::size_t k = 0; k < K; ++k) {
        acc[k] = base + (static_cast<std::size_t>(t) * K + k) * len;
        std::fill(acc[k], acc[k] + len, 0.0);
      }
#pragma omp for schedule(static)
      for (std::int64_t i = 0; i < n; ++i) f(i, acc);
#pragma omp for schedule(static)
      for (std::int64_t m = 0; m < n; ++m) {
        for (std::size_t k = 0; k < K; ++k) {
          double s = base[k * len + m];
          for (int u = 1; u < team; ++u) s += base[(static_cast<std::size_t>(u) * K + k) * len + m];
          out[k][m] = s;
        }
      }
    }
  }

private:
  static constexpr std::int64_t kReduceBlock = 4096;
  mutable std::vector<double> private_;  // the threads' accumulators of for_each_private, grow-only
};

}  // namespace mdgpu
