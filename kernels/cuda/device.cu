// Whether this build can run on the visible device. Kept apart from the backend so that asking
// needs nothing but the CUDA runtime.
#include <cuda_runtime_api.h>

#include <string>

#include "core/errors.hpp"
#include "kernels/cuda/cuda_backend.hpp"

namespace mdgpu::cuda {
namespace {

// Compiled for the same architectures as every other kernel: if its image cannot be loaded on
// the device, none can.
__global__ void probe_kernel() {}

bool fail(std::string* why_not, const std::string& why) {
  if (why_not) *why_not = why;
  return false;
}

// 12040 -> "12.4"
std::string cuda_version(int v) {
  return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10);
}

// The runtime reports a missing driver and an old one alike; tell them apart for the user.
std::string driver_problem() {
  int driver = 0, runtime = 0;
  (void)cudaDriverGetVersion(&driver);
  (void)cudaRuntimeGetVersion(&runtime);
  if (driver == 0) return "no NVIDIA driver is installed";
  return "the NVIDIA driver supports CUDA " + cuda_version(driver) + " but this build needs " +
         cuda_version(runtime);
}

}  // namespace

int device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    (void)cudaGetLastError();
    return 0;
  }
  return count;
}

void use_device(int ordinal) {
  const cudaError_t err = cudaSetDevice(ordinal);
  if (err != cudaSuccess) {
    (void)cudaGetLastError();
    throw RuntimeFailure("cannot use CUDA device " + std::to_string(ordinal) + ": " + cudaGetErrorString(err));
  }
}

bool device_available(std::string* why_not) {
  int count = 0;
  cudaError_t err = cudaGetDeviceCount(&count);
  if (err == cudaErrorInsufficientDriver) return fail(why_not, driver_problem());
  if (err != cudaSuccess) {
    (void)cudaGetLastError();
    return fail(why_not, std::string("no usable CUDA device: ") + cudaGetErrorString(err) + " (" +
                             cudaGetErrorName(err) + ")");
  }
  if (count == 0) return fail(why_not, "no CUDA device is visible");

  cudaFuncAttributes attr{};
  err = cudaFuncGetAttributes(&attr, probe_kernel);
  if (err != cudaSuccess) {
    (void)cudaGetLastError();
    int dev = 0, major = 0, minor = 0;
    (void)cudaGetDevice(&dev);
    (void)cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, dev);
    (void)cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, dev);
    return fail(why_not, "CUDA device " + std::to_string(dev) + " (compute capability " +
                             std::to_string(major) + "." + std::to_string(minor) +
                             ") cannot run this build's kernels: " + cudaGetErrorString(err));
  }
  return true;
}

}  // namespace mdgpu::cuda
