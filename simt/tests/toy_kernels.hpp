// Small kernels that exercise the emulator (toy_kernels.cu), each launched by a host function on
// device pointers the caller allocated. Plain C++: no CUDA headers here.
#pragma once

#include <cstddef>

namespace toy {

void add_one(const int* in, int* out, int n);              // out[i] = in[i] + 1, 128-thread blocks
void reverse_in_block(const int* in, int* out);             // one block of 128, through __shared__
void reverse_without_barrier(const int* in, int* out);      // the same, its __syncthreads forgotten
void last_writer(int* out);                                 // two threads race on a __shared__ word
void warp_sums(const int* in, int* sums, unsigned* ballots); // per warp of 64 threads: sum, ballot of odd
void exit_before_barrier(int* out);                         // half the block returns before __syncthreads
void block_order(int* order, int* counter, int blocks);     // order[k] = the k-th block to run
void read_one_past(const int* in, int* out, int n);         // out[i] = in[i + 1]
void write_one_past(int* out, int n);                       // out[i + 1] = i
void local_overflow_after_barrier(int* out);                // a local array written one past its end
// D = A B + C (A 16x8, B 8x8, C and D 16x8, row-major) by one warp's mma_m16n8k8_tf32, the
// operands rounded to TF32 first when `round`; lane 31 returns before the mma when `lane_exits`.
void mma_tf32(const float* A, const float* B, const float* C, float* D, bool round, bool lane_exits);
void prefix_sums(const long* in, long* out, int n, bool skip_size_query);  // through cub::DeviceScan
// add_one and a prefix sum of its output (CUB) on `stream` (a cudaStream_t), nothing on the default.
void add_one_then_sum_on(void* stream, const int* in, int* out, long* sums, int n);
// The same with the scan's storage given (temp_bytes from scan_storage), so that nothing allocates.
std::size_t scan_storage(int n);
void add_one_then_sum_into(void* stream, const int* in, int* out, long* sums, int n, void* temp, std::size_t temp_bytes);

}  // namespace toy
