// What every CUB stand-in shares: CUB's two-call protocol (a null temporary storage asks for its
// size; the second call must hand over at least that much device memory) and the checks of the
// device ranges an algorithm reads and writes.
#pragma once

#include <cstddef>
#include <iterator>
#include <string>
#include <type_traits>

#include "cuda_runtime_api.h"

namespace simt::cub_detail {

// The bytes a stand-in asks for: room for n values of V, plus CUB's 256-byte alignment slack.
template <class V>
std::size_t storage_for(std::size_t n) {
  return (n * sizeof(V) + 511) / 256 * 256;
}

// True for the size query; otherwise checks the storage and the stream.
inline bool size_query(void* temp, std::size_t& bytes, std::size_t needed, const char* algorithm,
                       cudaStream_t stream) {
  if (temp == nullptr) {
    bytes = needed;
    return true;
  }
  if (bytes < needed)
    fault(std::string(algorithm) + ": given " + std::to_string(bytes) + " bytes of temporary storage, needs " +
          std::to_string(needed) + " (the size query was skipped or its answer not kept)");
  require_device(temp, bytes, algorithm);
  use_stream(stream, algorithm);
  return false;
}

// The algorithm's work (checks included: during a stream capture its inputs are written only by
// the work recorded before it), run now or recorded into the graph being captured; counted when
// it runs.
template <class Body>
cudaError_t submit(cudaStream_t stream, Body body) {
  simt::submit(stream, [body] {
    ++counters().cub_calls;
    body();
  });
  return cudaSuccess;
}

// Device pointers are checked; other iterators (counting, transform) compute their values.
template <class It>
void require_input(It it, std::size_t n, const char* algorithm) {
  if constexpr (std::is_pointer_v<It>) {
    using V = std::remove_cv_t<std::remove_pointer_t<It>>;
    require_device(it, n * sizeof(V), algorithm);
    require_written(it, n * sizeof(V), algorithm);
  }
}
template <class T>
void require_output(T* out, std::size_t n, const char* algorithm) {
  require_device(out, n * sizeof(T), algorithm);
}

}  // namespace simt::cub_detail
