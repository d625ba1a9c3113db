#include "kernels/cuda/cuda_memory.hpp"

#include <cuda_runtime_api.h>

#include <string>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/cuda_stream.cuh"

namespace mdgpu::cuda {
namespace {

struct OwnedStream {
  cudaStream_t handle = nullptr;
  OwnedStream() { MDGPU_CUDA_CHECK(cudaStreamCreateWithFlags(&handle, cudaStreamNonBlocking)); }
  // At exit, possibly after the runtime has shut down: an error cannot be acted upon.
  ~OwnedStream() { (void)cudaStreamDestroy(handle); }
};

}  // namespace

cudaStream_t stream() {
  static const OwnedStream owned;
  return owned.handle;
}

void* device_allocate(std::size_t bytes) {
  void* ptr = nullptr;
  const cudaError_t err = cudaMalloc(&ptr, bytes);
  if (err != cudaSuccess) {
    (void)cudaGetLastError();  // out-of-memory is not sticky: later calls may still succeed
    throw RuntimeFailure("cannot allocate " + std::to_string(bytes) + " bytes of GPU memory: " +
                         cudaGetErrorString(err));
  }
  return ptr;
}

namespace {
std::uint64_t g_frees = 0;
}  // namespace

void device_free(void* ptr) noexcept {
  // Called from destructors, possibly after the runtime has shut down at exit: an error here
  // cannot be acted upon and must not escape.
  (void)cudaFree(ptr);
  ++g_frees;
}

std::uint64_t device_frees() { return g_frees; }

void copy(void* dst, bool dst_is_device, const void* src, bool src_is_device, std::size_t bytes) {
  const cudaMemcpyKind kind =
      dst_is_device ? (src_is_device ? cudaMemcpyDeviceToDevice : cudaMemcpyHostToDevice)
                    : (src_is_device ? cudaMemcpyDeviceToHost : cudaMemcpyHostToHost);
  MDGPU_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, kind, stream()));
  // The host reads what it asked for once the call returns; a source in host memory may be
  // reused at once (pageable memory is staged before cudaMemcpyAsync returns).
  if (!dst_is_device) MDGPU_CUDA_CHECK(cudaStreamSynchronize(stream()));
}

void zero(void* ptr, std::size_t bytes) { MDGPU_CUDA_CHECK(cudaMemsetAsync(ptr, 0, bytes, stream())); }

}  // namespace mdgpu::cuda
