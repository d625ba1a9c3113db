// Kernels of the emulator's tests (test_simt.cpp): correct ones, and ones with the bugs it must
// catch planted on purpose.
#include "toy_kernels.hpp"

#include <cuda_runtime_api.h>

#include <cub/device/device_scan.cuh>

namespace toy {
namespace {

__global__ void add_one_kernel(const int* in, int* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = in[i] + 1;
}

template <bool kBarrier>
__global__ void reverse_kernel(const int* in, int* out) {
  __shared__ int tile[128];
  const int t = threadIdx.x;
  tile[t] = in[t];
  if (kBarrier) __syncthreads();
  out[t] = tile[127 - t];
}

__global__ void last_writer_kernel(int* out) {
  __shared__ int word;
  if (threadIdx.x < 2) word = threadIdx.x + 1;  // planted race: no order between the two writes
  __syncthreads();
  out[threadIdx.x] = word;
}

__global__ void warp_sums_kernel(const int* in, int* sums, unsigned* ballots) {
  const int t = threadIdx.x;
  int v = in[t];
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
  const unsigned odd = __ballot_sync(0xffffffffu, in[t] % 2);
  if (t % 32 == 0) {
    sums[t / 32] = v;
    ballots[t / 32] = odd;
  }
}

__global__ void mma_tf32_kernel(const float* A, const float* B, const float* C, float* D, bool round,
                                bool lane_exits) {
  const int l = threadIdx.x, g = l / 4, t = l % 4;
  if (lane_exits && l == 31) return;
  float a[4] = {A[g * 8 + t], A[(g + 8) * 8 + t], A[g * 8 + t + 4], A[(g + 8) * 8 + t + 4]};
  float b[2] = {B[t * 8 + g], B[(t + 4) * 8 + g]};
  const float c[4] = {C[g * 8 + 2 * t], C[g * 8 + 2 * t + 1], C[(g + 8) * 8 + 2 * t], C[(g + 8) * 8 + 2 * t + 1]};
  if (round) {
    for (float& x : a) x = simt::cvt_rna_tf32(x);
    for (float& x : b) x = simt::cvt_rna_tf32(x);
  }
  float d[4];
  simt::mma_m16n8k8_tf32(d, a, b, c);
  D[g * 8 + 2 * t] = d[0];
  D[g * 8 + 2 * t + 1] = d[1];
  D[(g + 8) * 8 + 2 * t] = d[2];
  D[(g + 8) * 8 + 2 * t + 1] = d[3];
}

__global__ void exit_before_barrier_kernel(int* out) {
  if (threadIdx.x < 16) return;
  __syncthreads();
  out[threadIdx.x] = 1;
}

__global__ void block_order_kernel(int* order, int* counter) {
  if (threadIdx.x == 0) order[atomicAdd(counter, 1)] = blockIdx.x;
}

__global__ void read_one_past_kernel(const int* in, int* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = in[i + 1];
}

__global__ void write_one_past_kernel(int* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i + 1] = i;
}

// With past = 4, writes one past the local array after the thread resumed from a barrier. UBSan's
// bounds checks are off here, so that the error is AddressSanitizer's (the test is about its view).
__attribute__((no_sanitize("bounds", "object-size")))
__global__ void local_overflow_after_barrier_kernel(int* out, int past) {
  int local[4] = {1, 2, 3, 4};
  __syncthreads();
  local[past] = 0;
  out[threadIdx.x] = local[threadIdx.x % 4];
}

unsigned blocks_for(int n) { return static_cast<unsigned>((n + 127) / 128); }

}  // namespace

void add_one(const int* in, int* out, int n) { add_one_kernel<<<blocks_for(n), 128>>>(in, out, n); }
void reverse_in_block(const int* in, int* out) { reverse_kernel<true><<<1, 128>>>(in, out); }
void reverse_without_barrier(const int* in, int* out) { reverse_kernel<false><<<1, 128>>>(in, out); }
void last_writer(int* out) { last_writer_kernel<<<1, 64>>>(out); }
void warp_sums(const int* in, int* sums, unsigned* ballots) { warp_sums_kernel<<<1, 64>>>(in, sums, ballots); }
void mma_tf32(const float* A, const float* B, const float* C, float* D, bool round, bool lane_exits) {
  mma_tf32_kernel<<<1, 32>>>(A, B, C, D, round, lane_exits);
}
void exit_before_barrier(int* out) { exit_before_barrier_kernel<<<1, 32>>>(out); }
void block_order(int* order, int* counter, int blocks) {
  block_order_kernel<<<static_cast<unsigned>(blocks), 32>>>(order, counter);
}
void read_one_past(const int* in, int* out, int n) { read_one_past_kernel<<<blocks_for(n), 128>>>(in, out, n); }
void write_one_past(int* out, int n) { write_one_past_kernel<<<blocks_for(n), 128>>>(out, n); }
void local_overflow_after_barrier(int* out) { local_overflow_after_barrier_kernel<<<1, 64>>>(out, 4); }

void prefix_sums(const long* in, long* out, int n, bool skip_size_query) {
  std::size_t bytes = 0;
  if (!skip_size_query) cub::DeviceScan::InclusiveSum(nullptr, bytes, in, out, n);
  struct Storage {  // freed when the emulator's fault throws, too
    void* p = nullptr;
    ~Storage() { cudaFree(p); }
  } temp;
  cudaMalloc(&temp.p, bytes + 1);
  cub::DeviceScan::InclusiveSum(temp.p, bytes, in, out, n);
}

void add_one_then_sum_on(void* stream, const int* in, int* out, long* sums, int n) {
  const auto s = static_cast<cudaStream_t>(stream);
  add_one_kernel<<<blocks_for(n), 128, 0, s>>>(in, out, n);
  std::size_t bytes = 0;
  cub::DeviceScan::InclusiveSum(nullptr, bytes, out, sums, n, s);
  void* temp = nullptr;
  cudaMalloc(&temp, bytes);
  cub::DeviceScan::InclusiveSum(temp, bytes, out, sums, n, s);
  cudaFree(temp);
}

std::size_t scan_storage(int n) {
  std::size_t bytes = 0;
  cub::DeviceScan::InclusiveSum(nullptr, bytes, static_cast<const int*>(nullptr), static_cast<long*>(nullptr), n);
  return bytes;
}

void add_one_then_sum_into(void* stream, const int* in, int* out, long* sums, int n, void* temp,
                           std::size_t temp_bytes) {
  const auto s = static_cast<cudaStream_t>(stream);
  add_one_kernel<<<blocks_for(n), 128, 0, s>>>(in, out, n);
  cub::DeviceScan::InclusiveSum(temp, temp_bytes, out, sums, n, s);
}

}  // namespace toy
