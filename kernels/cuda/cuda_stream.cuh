// The one stream every CUDA call of mdgpu is issued on: the executor's kernels and CUB calls
// (kernels/cuda/cuda_exec.cuh) and every Buffer copy and memset (kernels/cuda/cuda_memory.cu), so
// that they run in issue order among themselves. A created stream, not the legacy default one:
// work on it can be captured into a CUDA graph, and nothing orders it behind other libraries'
// default-stream work.
#pragma once

#include <cuda_runtime_api.h>

namespace mdgpu::cuda {

// Created at first use (non-blocking: no implicit ordering with the legacy default stream, which
// mdgpu never uses) and destroyed at exit.
cudaStream_t stream();

}  // namespace mdgpu::cuda
