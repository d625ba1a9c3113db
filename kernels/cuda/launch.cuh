// One thread per item: launch geometry and a checked launch shared by the kernel files.
#pragma once

#include <cuda_runtime_api.h>

#include "kernels/cuda/cuda_check.cuh"

namespace mdgpu::cuda {

// Four warps per block: the neighbor and pair bodies use many registers, and small blocks keep
// several resident per SM while still filling the machine for a few thousand atoms.
inline constexpr int kBlockSize = 128;

struct LaunchConfig {
  unsigned grid;
  unsigned block;
};

inline LaunchConfig launch_config(int n, int block = kBlockSize) {
  const long long blocks = (static_cast<long long>(n) + block - 1) / block;
  return {static_cast<unsigned>(blocks), static_cast<unsigned>(block)};
}

// This thread's item, or -1 when it falls past the n items (the last block is partial).
__device__ inline int item_index(int n) {
  const unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  return i < static_cast<unsigned>(n) ? static_cast<int>(i) : -1;
}

// Launches `kernel` over n items on the default stream; nothing for n <= 0 (a zero-block grid is
// a launch error). Bad configurations are reported here; faults inside the kernel surface at the
// next synchronising call, which is checked too.
template <class Kernel, class... Args>
void launch(Kernel kernel, int n, const Args&... args) {
  if (n <= 0) return;
  const LaunchConfig c = launch_config(n);
  kernel<<<c.grid, c.block>>>(args...);
  MDGPU_CUDA_CHECK(cudaGetLastError());
}

}  // namespace mdgpu::cuda
