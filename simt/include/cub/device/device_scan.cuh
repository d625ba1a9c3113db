// cub::DeviceScan stand-in for the SIMT emulator (the calls mdgpu makes, with CUB's protocol).
#pragma once

#include <cstddef>
#include <iterator>

#include "simt/cub_protocol.hpp"

namespace cub {

struct DeviceScan {
  template <class In, class Out, class NumItems>
  static cudaError_t InclusiveSum(void* temp, std::size_t& bytes, In in, Out* out, NumItems n,
                                  cudaStream_t stream = nullptr) {
    namespace d = simt::cub_detail;
    if (d::size_query(temp, bytes, d::storage_for<Out>(1), "cub::DeviceScan::InclusiveSum", stream)) return cudaSuccess;
    const auto count = static_cast<std::size_t>(n);
    return d::submit(stream, [=] {
      d::require_input(in, count, "cub::DeviceScan::InclusiveSum input");
      d::require_output(out, count, "cub::DeviceScan::InclusiveSum output");
      Out running{};
      for (std::size_t i = 0; i < count; ++i) out[i] = running = running + static_cast<Out>(in[i]);
      simt::mark_written(out, count * sizeof(Out));
    });
  }
};

}  // namespace cub
