// The CUDA runtime calls of the shim (simt/include/cuda_runtime_api.h): allocation, copies with
// their direction checked against where the pointers live, memsets, errors, one emulated device.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
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

// The streams created and not yet destroyed.
std::set<const void*>& live_streams() {
  static std::set<const void*> s;
  return s;
}

// cudaMemcpy and cudaMemcpyAsync alike: the direction checked, the bytes moved and counted.
void checked_copy(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind, const char* call) {
  const bool dst_device = detail::find_allocation(dst) != nullptr;
  const bool src_device = detail::find_allocation(src) != nullptr;
  if (kind == cudaMemcpyDefault)
    kind = dst_device ? (src_device ? cudaMemcpyDeviceToDevice : cudaMemcpyHostToDevice)
                      : (src_device ? cudaMemcpyDeviceToHost : cudaMemcpyHostToHost);
  const std::string what = std::string(call) + "(" + kind_name(kind) + ")";
  const bool to_device = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
  const bool from_device = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
  if (kind > cudaMemcpyDefault) fault(what);
  if (to_device) require_device(dst, bytes, (what + " destination").c_str());
  else require_host(dst, bytes, (what + " destination").c_str());
  if (from_device) require_written(src, bytes, (what + " source").c_str());
  else require_host(src, bytes, (what + " source").c_str());
  std::memmove(dst, src, bytes);
  if (to_device) mark_written(dst, bytes);
  Counters& c = counters();
  if (kind == cudaMemcpyHostToDevice) ++c.copies_h2d, c.bytes_h2d += static_cast<std::int64_t>(bytes);
  if (kind == cudaMemcpyDeviceToHost) ++c.copies_d2h, c.bytes_d2h += static_cast<std::int64_t>(bytes);
  if (kind == cudaMemcpyDeviceToDevice) ++c.copies_d2d, c.bytes_d2d += static_cast<std::int64_t>(bytes);
}

void checked_memset(void* ptr, int value, std::size_t bytes, const char* call) {
  require_device(ptr, bytes, call);
  std::memset(ptr, value, bytes);
  mark_written(ptr, bytes);
  ++counters().memsets;
}

}  // namespace

void use_stream(const void* stream, const char* what) {
  if (stream == nullptr) {
    ++counters().default_stream_work;
    return;
  }
  if (!live_streams().count(stream))
    fault(std::string(what) + ": stream " + std::to_string(reinterpret_cast<std::uintptr_t>(stream)) +
          " was never created or is destroyed");
}

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

// Both are refused during a stream capture, as by CUDA's global capture mode (they may synchronise).
cudaError_t cudaMalloc(void** ptr, std::size_t bytes) {
  *ptr = nullptr;
  if (simt::refused_in_capture(nullptr)) return simt::fail(cudaErrorStreamCaptureUnsupported);
  const std::size_t used = std::min(simt::counters().device_bytes, simt::kDeviceMemory);
  if (bytes > simt::kDeviceMemory - used) return simt::fail(cudaErrorMemoryAllocation);
  *ptr = simt::detail::allocate(bytes);
  return *ptr ? cudaSuccess : simt::fail(cudaErrorMemoryAllocation);
}

cudaError_t cudaFree(void* ptr) {
  if (simt::refused_in_capture(nullptr)) return simt::fail(cudaErrorStreamCaptureUnsupported);
  if (ptr) simt::detail::release(ptr);
  return cudaSuccess;
}

// The legacy default stream's copy waits for the device whenever it brings bytes to the host.
cudaError_t cudaMemcpy(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind) {
  if (bytes == 0) return cudaSuccess;
  if (simt::refused_in_capture(nullptr)) return simt::fail(cudaErrorStreamCaptureUnsupported);
  simt::use_stream(nullptr, "cudaMemcpy");
  ++simt::counters().issued;
  simt::checked_copy(dst, src, bytes, kind, "cudaMemcpy");
  if (!simt::detail::find_allocation(dst) && simt::detail::find_allocation(src)) ++simt::counters().host_syncs;
  return cudaSuccess;
}

cudaError_t cudaMemset(void* ptr, int value, std::size_t bytes) {
  if (bytes == 0) return cudaSuccess;
  if (simt::refused_in_capture(nullptr)) return simt::fail(cudaErrorStreamCaptureUnsupported);
  simt::use_stream(nullptr, "cudaMemset");
  ++simt::counters().issued;
  simt::checked_memset(ptr, value, bytes, "cudaMemset");
  return cudaSuccess;
}

// An asynchronous copy is no synchronisation: the caller synchronises the stream before it reads
// what came to the host (the emulator copies at once, so it cannot catch a read before that).
// A stream capture records copies between device buffers only: host memory here is pageable,
// which a graph cannot copy (CUDA refuses it).
cudaError_t cudaMemcpyAsync(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind, cudaStream_t stream) {
  if (bytes == 0) return cudaSuccess;
  simt::use_stream(stream, "cudaMemcpyAsync");
  const bool between_device_buffers = simt::detail::find_allocation(dst) && simt::detail::find_allocation(src);
  if (!between_device_buffers && simt::refused_in_capture(stream)) return simt::fail(cudaErrorStreamCaptureUnsupported);
  simt::submit(stream, [=] { simt::checked_copy(dst, src, bytes, kind, "cudaMemcpyAsync"); });
  return cudaSuccess;
}

cudaError_t cudaMemsetAsync(void* ptr, int value, std::size_t bytes, cudaStream_t stream) {
  if (bytes == 0) return cudaSuccess;
  simt::use_stream(stream, "cudaMemsetAsync");
  simt::submit(stream, [=] { simt::checked_memset(ptr, value, bytes, "cudaMemsetAsync"); });
  return cudaSuccess;
}

// A stream is a handle the emulator hands out and checks; its work has always completed.
struct CUstream_st {
  unsigned flags;
};

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned flags) {
  if (flags > cudaStreamNonBlocking) return simt::fail(cudaErrorInvalidValue);
  *stream = new CUstream_st{flags};
  simt::live_streams().insert(*stream);
  return cudaSuccess;
}

cudaError_t cudaStreamCreate(cudaStream_t* stream) { return cudaStreamCreateWithFlags(stream, cudaStreamDefault); }

cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  if (stream == nullptr || !simt::live_streams().erase(stream)) return simt::fail(cudaErrorInvalidResourceHandle);
  delete stream;
  return cudaSuccess;
}

cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  if (stream != nullptr && !simt::live_streams().count(stream)) return simt::fail(cudaErrorInvalidResourceHandle);
  if (simt::refused_in_capture(stream)) return simt::fail(cudaErrorStreamCaptureUnsupported);
  ++simt::counters().host_syncs;
  return cudaSuccess;
}

cudaError_t cudaDeviceSynchronize() {
  if (simt::refused_in_capture(nullptr)) return simt::fail(cudaErrorStreamCaptureUnsupported);
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
    case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
    case cudaErrorInvalidResourceHandle: return "cudaErrorInvalidResourceHandle";
    case cudaErrorIllegalState: return "cudaErrorIllegalState";
    case cudaErrorStreamCaptureUnsupported: return "cudaErrorStreamCaptureUnsupported";
    case cudaErrorStreamCaptureInvalidated: return "cudaErrorStreamCaptureInvalidated";
  }
  return "cudaErrorUnknown";
}

const char* cudaGetErrorString(cudaError_t err) {
  switch (err) {
    case cudaSuccess: return "no error";
    case cudaErrorMemoryAllocation: return "out of memory (SIMT emulator)";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
    case cudaErrorNoDevice: return "the SIMT emulator's device is not enabled in this program";
    case cudaErrorInvalidDevice: return "invalid device ordinal (the SIMT emulator has device 0 only)";
    case cudaErrorStreamCaptureUnsupported: return "operation not permitted when stream is capturing";
    case cudaErrorStreamCaptureInvalidated: return "operation failed due to a previous error during capture";
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

cudaError_t cudaSetDevice(int device) {
  if (!simt::g_visible) return simt::fail(cudaErrorNoDevice);
  return device == 0 ? cudaSuccess : simt::fail(cudaErrorInvalidDevice);
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
