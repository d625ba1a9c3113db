#include "kernels/memory.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

#include "core/errors.hpp"
#if MDGPU_WITH_CUDA
#include "kernels/cuda/cuda_memory.hpp"
#endif

namespace mdgpu {
namespace {
[[maybe_unused]] [[noreturn]] void no_device() {
  throw RuntimeFailure("device memory requested but mdgpu was built without the CUDA backend");
}
}  // namespace

void* space_allocate(Space space, std::size_t bytes) {
  if (bytes == 0) return nullptr;
  if (space == Space::Host) {
    void* p = std::malloc(bytes);
    if (!p) throw std::bad_alloc();
    return p;
  }
#if MDGPU_WITH_CUDA
  return cuda::device_allocate(bytes);
#else
  no_device();
#endif
}

void space_free(Space space, void* ptr) noexcept {
  if (!ptr) return;
  if (space == Space::Host) return std::free(ptr);
#if MDGPU_WITH_CUDA
  cuda::device_free(ptr);
#endif
}

void space_copy(Space dst_space, void* dst, Space src_space, const void* src, std::size_t bytes) {
  if (bytes == 0) return;
  if (dst_space == Space::Host && src_space == Space::Host) {
    std::memcpy(dst, src, bytes);
    return;
  }
#if MDGPU_WITH_CUDA
  cuda::copy(dst, dst_space == Space::Device, src, src_space == Space::Device, bytes);
#else
  no_device();
#endif
}

void space_zero(Space space, void* ptr, std::size_t bytes) {
  if (bytes == 0) return;
  if (space == Space::Host) {
    std::memset(ptr, 0, bytes);
    return;
  }
#if MDGPU_WITH_CUDA
  cuda::zero(ptr, bytes);
#else
  no_device();
#endif
}

}  // namespace mdgpu
