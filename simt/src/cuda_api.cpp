// The CUDA runtime calls of the shim (simt/include/cuda_runtime_api.h): allocation, copies with
// their direction checked against where the pointers live, memsets, errors, one emulated device.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cuda_runtime_api.h"
#include "simt/src/internal.hpp"

namespace simt {
namespace {

cudaError_t g_last_error = cudaSuccess;
bool g_visible = false;
FaultHandler g_handler = nullptr;
// What the emulated device claims to hold; allocations beyond it fail as on a full GPU.
constexpr std::size_t kDeviceMemory = std::size_t{16} << 30;

cudaError_t fail(cudaError_t err) {
  g_last_error = err;
  return err;
}

const char* kind_name(cudaMemcpyKind kind) {
  switch (kind) {
    case cudaMemcpyHostToHost: return "cudaMemcpyHostToHost";
    case cudaMemcpyHostToDevice: return "cudaMemcpyHostToDevice";
    case cudaMemcpyDeviceToHost: return "cudaMemcpyDeviceToHost";
    case cudaMemcpyDeviceToDevice: return "cudaMemcpyDeviceToDevice";
    case cudaMemcpyDefault: return "cudaMemcpyDefault";
  }
  return "an unknown cudaMemcpyKind";
}

// Host memory must not overlap any allocation: a host pointer into the arena is a device pointer.
void require_host(const void* p, std::size_t bytes, const char* what) {
  const auto* b = static_cast<const unsigned char*>(p);
  if (detail::find_allocation(b) || detail::find_allocation(b + bytes - 1))
    fault(std::string(what) + ": " + detail::describe_address(p) + " is device memory, the call says host memory");
}

}  // namespace

Counters& counters() {
  static Counters c;
  return c;
}

void reset_counters() {
  Counters& c = counters();
  const std::size_t now = c.device_bytes;
  c = Counters{};
  c.device_bytes = c.peak_device_bytes = now;
}

void set_fault_handler(FaultHandler handler) { g_handler = handler; }

void fault(const std::string& what) {
  if (g_handler) g_handler(what);
  std::fprintf(stderr, "simt: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

void set_device_visible(bool visible) { g_visible = visible; }
bool device_visible() { return g_visible; }
void set_last_launch_error(int error) { g_last_error = static_cast<cudaError_t>(error); }

}  // namespace simt

cudaError_t cudaMalloc(void** ptr, std::size_t bytes) {
  *ptr = nullptr;
  const std::size_t used = std::min(simt::counters().device_bytes, simt::kDeviceMemory);
  if (bytes > simt::kDeviceMemory - used) return simt::fail(cudaErrorMemoryAllocation);
  *ptr = simt::detail::allocate(bytes);
  return *ptr ? cudaSuccess : simt::fail(cudaErrorMemoryAllocation);
}

cudaError_t cudaFree(void* ptr) {
  if (ptr) simt::detail::release(ptr);
  return cudaSuccess;
}

cudaError_t cudaMemcpy(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind) {
  if (bytes == 0) return cudaSuccess;
  const bool dst_device = simt::detail::find_allocation(dst) != nullptr;
  const bool src_device = simt::detail::find_allocation(src) != nullptr;
  if (kind == cudaMemcpyDefault)
    kind = dst_device ? (src_device ? cudaMemcpyDeviceToDevice : cudaMemcpyHostToDevice)
                      : (src_device ? cudaMemcpyDeviceToHost : cudaMemcpyHostToHost);
  const std::string what = std::string("cudaMemcpy(") + simt::kind_name(kind) + ")";
  const bool to_device = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
  const bool from_device = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
  if (kind > cudaMemcpyDefault) simt::fault(what);
  if (to_device) simt::require_device(dst, bytes, (what + " destination").c_str());
  else simt::require_host(dst, bytes, (what + " destination").c_str());
  if (from_device) simt::require_written(src, bytes, (what + " source").c_str());
  else simt::require_host(src, bytes, (what + " source").c_str());
  std::memmove(dst, src, bytes);
  if (to_device) simt::mark_written(dst, bytes);
  simt::Counters& c = simt::counters();
  if (kind == cudaMemcpyHostToDevice) ++c.copies_h2d, c.bytes_h2d += static_cast<std::int64_t>(bytes);
  if (kind == cudaMemcpyDeviceToHost) ++c.copies_d2h, ++c.host_syncs, c.bytes_d2h += static_cast<std::int64_t>(bytes);
  if (kind == cudaMemcpyDeviceToDevice) ++c.copies_d2d, c.bytes_d2d += static_cast<std::int64_t>(bytes);
  return cudaSuccess;
}

cudaError_t cudaMemset(void* ptr, int value, std::size_t bytes) {
  if (bytes == 0) return cudaSuccess;
  simt::require_device(ptr, bytes, "cudaMemset");
  std::memset(ptr, value, bytes);
  simt::mark_written(ptr, bytes);
  ++simt::counters().memsets;
  return cudaSuccess;
}

cudaError_t cudaDeviceSynchronize() {
  ++simt::counters().host_syncs;
  return cudaSuccess;
}

cudaError_t cudaGetLastError() {
  const cudaError_t err = simt::g_last_error;
  simt::g_last_error = cudaSuccess;
  return err;
}

cudaError_t cudaPeekAtLastError() { return simt::g_last_error; }

const char* cudaGetErrorName(cudaError_t err) {
  switch (err) {
    case cudaSuccess: return "cudaSuccess";
    case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
    case cudaErrorInvalidConfiguration: return "cudaErrorInvalidConfiguration";
    case cudaErrorInvalidDevicePointer: return "cudaErrorInvalidDevicePointer";
    case cudaErrorInvalidMemcpyDirection: return "cudaErrorInvalidMemcpyDirection";
    case cudaErrorInsufficientDriver: return "cudaErrorInsufficientDriver";
    case cudaErrorNoDevice: return "cudaErrorNoDevice";
  }
  return "cudaErrorUnknown";
}

const char* cudaGetErrorString(cudaError_t err) {
  switch (err) {
    case cudaSuccess: return "no error";
    case cudaErrorMemoryAllocation: return "out of memory (SIMT emulator)";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
    case cudaErrorNoDevice: return "the SIMT emulator's device is not enabled in this program";
    default: return "error reported by the SIMT emulator";
  }
}

cudaError_t cudaGetDeviceCount(int* count) {
  *count = simt::g_visible ? 1 : 0;
  return simt::g_visible ? cudaSuccess : simt::fail(cudaErrorNoDevice);
}

cudaError_t cudaGetDevice(int* device) {
  *device = 0;
  return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int) {
  *prop = cudaDeviceProp{};
  std::snprintf(prop->name, sizeof prop->name, "SIMT emulator on the CPU (tests only)");
  prop->totalGlobalMem = simt::kDeviceMemory;
  prop->major = 9;
  prop->minor = 0;
  prop->multiProcessorCount = 1;
  prop->warpSize = warpSize;
  return cudaSuccess;
}

cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int) {
  *value = attr == cudaDevAttrComputeCapabilityMajor ? 9 : 0;
  return cudaSuccess;
}

cudaError_t cudaDriverGetVersion(int* version) {
  *version = 13000;
  return cudaSuccess;
}

cudaError_t cudaRuntimeGetVersion(int* version) {
  *version = 13000;
  return cudaSuccess;
}

cudaError_t simt_function_attributes(cudaFuncAttributes* attr) {
  *attr = cudaFuncAttributes{0, 1024};
  return cudaSuccess;
}
