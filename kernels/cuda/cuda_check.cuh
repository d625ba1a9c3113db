// Turns a failed CUDA runtime call into a RuntimeFailure that names the call and where it was
// made. Library code never exits: the application decides what a failure means.
#pragma once

#include <cuda_runtime_api.h>

#include <string>

#include "core/errors.hpp"

namespace mdgpu::cuda {

[[noreturn]] inline void throw_cuda_error(cudaError_t err, const char* call, const char* file,
                                          int line) {
  // Clear a non-sticky error so that it does not resurface at the next, unrelated check.
  (void)cudaGetLastError();
  throw RuntimeFailure(std::string("CUDA error at ") + file + ":" + std::to_string(line) + ": " +
                       call + ": " + cudaGetErrorName(err) + " (" + cudaGetErrorString(err) + ")");
}

inline void check(cudaError_t err, const char* call, const char* file, int line) {
  if (err != cudaSuccess) throw_cuda_error(err, call, file, line);
}

}  // namespace mdgpu::cuda

#define MDGPU_CUDA_CHECK(call) ::mdgpu::cuda::check((call), #call, __FILE__, __LINE__)
