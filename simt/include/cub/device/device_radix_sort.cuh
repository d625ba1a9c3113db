// cub::DeviceRadixSort stand-in for the SIMT emulator: a stable sort on the key bits
// [begin_bit, end_bit), as CUB's LSD radix sort orders them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <vector>

#include "simt/cub_protocol.hpp"

namespace cub {

struct DeviceRadixSort {
  template <class K, class V, class NumItems>
  static cudaError_t SortPairs(void* temp, std::size_t& bytes, const K* keys_in, K* keys_out, const V* values_in,
                               V* values_out, NumItems n, int begin_bit = 0, int end_bit = sizeof(K) * 8,
                               cudaStream_t stream = nullptr) {
    namespace d = simt::cub_detail;
    const char* what = "cub::DeviceRadixSort::SortPairs";
    const auto count = static_cast<std::size_t>(n);
    if (d::size_query(temp, bytes, d::storage_for<K>(count) + d::storage_for<V>(count), what, stream)) return cudaSuccess;
    if (begin_bit < 0 || end_bit > static_cast<int>(sizeof(K) * 8) || begin_bit >= end_bit)
      simt::fault(std::string(what) + ": bad bit range");
    return d::submit(stream, [=] {
      d::require_input(keys_in, count, what);
      d::require_input(values_in, count, what);
      d::require_output(keys_out, count, what);
      d::require_output(values_out, count, what);
      using U = std::make_unsigned_t<K>;
      const int width = end_bit - begin_bit;
      const U mask = width >= static_cast<int>(sizeof(U) * 8) ? static_cast<U>(~U{0}) : static_cast<U>((U{1} << width) - 1);
      auto digit = [&](std::size_t i) { return static_cast<U>(static_cast<U>(keys_in[i]) >> begin_bit) & mask; };
      std::vector<std::size_t> order(count);
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return digit(a) < digit(b); });
      for (std::size_t i = 0; i < count; ++i) {
        keys_out[i] = keys_in[order[i]];
        values_out[i] = values_in[order[i]];
      }
      simt::mark_written(keys_out, count * sizeof(K));
      simt::mark_written(values_out, count * sizeof(V));
    });
  }
};

}  // namespace cub
