// cub::DeviceReduce stand-in for the SIMT emulator. The transform runs as an emulated grid (one
// thread per item, so its device reads are checked like any kernel's); the merge follows a fixed
// pairwise tree, so that like CUB's the result depends on the item count only, not on the schedule.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "simt/cub_protocol.hpp"

namespace simt::cub_detail {

template <class In, class R, class Transform>
void transform_kernel(In in, R* out, Transform op, std::int64_t n) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) out[i] = op(in[i]);
}

template <class R, class Merge>
R tree(const R* v, std::size_t n, const Merge& merge) {
  if (n == 1) return v[0];
  const std::size_t half = n / 2;
  return merge(tree(v, half, merge), tree(v + half, n - half, merge));
}

}  // namespace simt::cub_detail

namespace cub {

struct DeviceReduce {
  template <class In, class R, class NumItems, class Merge, class Transform>
  static cudaError_t TransformReduce(void* temp, std::size_t& bytes, In in, R* out, NumItems n, Merge merge,
                                     Transform transform, R init, cudaStream_t stream = nullptr) {
    namespace d = simt::cub_detail;
    const char* what = "cub::DeviceReduce::TransformReduce";
    const auto count = static_cast<std::size_t>(n);
    if (d::size_query(temp, bytes, d::storage_for<R>(count), what, stream)) return cudaSuccess;
    return d::submit(stream, [=] {
      d::require_input(in, count, what);
      d::require_output(out, 1, what);
      R* values = static_cast<R*>(temp);
      if (count > 0) {
        constexpr unsigned kBlock = 128;
        simt::launch("cub::DeviceReduce::TransformReduce (transform)",
                     [](auto... a) { d::transform_kernel(a...); },
                     dim3(static_cast<unsigned>((count + kBlock - 1) / kBlock)), dim3(kBlock), 0, stream)(
            in, values, transform, static_cast<std::int64_t>(count));
        // Padding inside a struct result is never written, as on a GPU; only padding-free values are
        // checked byte for byte.
        if constexpr (std::is_arithmetic_v<R> || std::has_unique_object_representations_v<R>)
          simt::require_written(values, count * sizeof(R), what);
      }
      *out = count > 0 ? merge(init, d::tree(values, count, merge)) : init;
      simt::mark_written(out, sizeof(R));
    });
  }
};

}  // namespace cub
