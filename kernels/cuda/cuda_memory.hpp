// Device memory behind Space::Device (kernels/memory.cpp). Plain C++: no CUDA headers here.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mdgpu::cuda {

// Throws RuntimeFailure (with the size and CUDA's reason) when the allocation fails.
void* device_allocate(std::size_t bytes);
void device_free(void* ptr) noexcept;
std::uint64_t device_frees();  // device_free calls so far (a recorded graph's pointers stay valid while none)
// On the stream of kernels/cuda/cuda_stream.cuh, in order with the kernels; blocking with respect
// to the host whenever the destination is host memory (the host's only synchronisation).
void copy(void* dst, bool dst_is_device, const void* src, bool src_is_device, std::size_t bytes);
void zero(void* ptr, std::size_t bytes);

}  // namespace mdgpu::cuda
