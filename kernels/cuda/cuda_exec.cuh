// The device executor of the item kernels (kernels/md_backend.hpp, kernels/nequip_item_kernels.hpp):
// one thread per item on mdgpu's stream (kernels/cuda/cuda_stream.cuh), in call order; CUB for the scans, sorts and
// reductions (no floating-point atomics: results are run-to-run deterministic for a given device
// and size). Calls that return a value to the host synchronise; the others do not.
#pragma once

#include <cuda_runtime_api.h>

#include <climits>
#include <cstdint>
#include <cstdio>
#include <string>

#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_reduce.cuh>
#include <cub/device/device_scan.cuh>
#include <thrust/iterator/counting_iterator.h>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/cuda_graph.hpp"
#include "kernels/cuda/cuda_memory.hpp"
#include "kernels/cuda/cuda_stream.cuh"
#include "kernels/grain.hpp"
#include "kernels/memory.hpp"

namespace mdgpu::cuda {
namespace exec_detail {

// Four warps per block: the neighbor and pair bodies use many registers, and small blocks keep
// several resident per SM while still filling the machine for a few thousand atoms.
inline constexpr int kBlockSize = 128;

// CUB wants its temporary storage 256-byte aligned (cudaMalloc returns at least that); the first
// slot of the executor's scratch holds a reduction's result.
inline constexpr std::size_t kSlot = 256;

inline std::size_t aligned(std::size_t bytes) { return (bytes + kSlot - 1) / kSlot * kSlot; }

template <class F>
__global__ void for_each_kernel(std::int64_t n, F f) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) f(i);
}

struct Iota {
  int* out;
  __device__ void operator()(std::int64_t i) const { out[i] = static_cast<int>(i); }
};

// start[k] = number of items with a key below k (the lower bound of k in the sorted keys).
struct LowerBound {
  const int* sorted;
  int n;
  int* start;
  __device__ void operator()(std::int64_t k) const {
    int lo = 0, hi = n;
    while (lo < hi) {
      const int mid = lo + (hi - lo) / 2;
      if (sorted[mid] < k) lo = mid + 1;
      else hi = mid;
    }
    start[k] = lo;
  }
};

// *out = value (a kernel, not a copy from the host: a recording may hold it).
template <class R>
struct Store {
  R* out;
  R value;
  __device__ void operator()(std::int64_t) const { *out = value; }
};

struct Plus {
  template <class R>
  __host__ __device__ R operator()(const R& l, const R& r) const {
    return l + r;
  }
};

// Bits the radix sort must look at: keys are 0..nkeys-1, so the rest of the key is zero.
inline int key_bits(int nkeys) {
  int bits = 1;
  while (bits < 31 && (1 << bits) < nkeys) ++bits;
  return bits;
}

}  // namespace exec_detail

class CudaExec {
public:
  Space space() const { return Space::Device; }

  std::string describe() const {
    int dev = 0;
    MDGPU_CUDA_CHECK(cudaGetDevice(&dev));
    cudaDeviceProp p{};
    MDGPU_CUDA_CHECK(cudaGetDeviceProperties(&p, dev));
    char memory[32];
    std::snprintf(memory, sizeof memory, "%.1f GiB",
                  static_cast<double>(p.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0));
    return "CUDA device " + std::to_string(dev) + ": " + p.name + ", compute capability " +
           std::to_string(p.major) + "." + std::to_string(p.minor) + ", " +
           std::to_string(p.multiProcessorCount) + " SMs, " + memory;
  }

  // One thread per item whatever the grain. Bad configurations are reported here; faults inside
  // the kernel surface at the next synchronising call, which is checked too.
  template <class F>
  void for_each(std::int64_t n, const F& f, Grain = kHeavyItems) {
    if (n <= 0) return;  // a zero-block grid is a launch error
    const std::int64_t blocks = (n + exec_detail::kBlockSize - 1) / exec_detail::kBlockSize;
    if (blocks > INT_MAX) throw RuntimeFailure(std::to_string(n) + " work items exceed one CUDA launch");
    exec_detail::for_each_kernel<<<static_cast<unsigned>(blocks), exec_detail::kBlockSize, 0, stream()>>>(n, f);
    MDGPU_CUDA_CHECK(cudaGetLastError());
  }

  // row[0] = 0, row[i + 1] = row[i] + counts[i], on the device only.
  void rows_into(const std::int64_t* counts, int n, std::int64_t* row) {
    zero(row, sizeof(std::int64_t));
    if (n <= 0) return;
    std::size_t bytes = 0;
    MDGPU_CUDA_CHECK(cub::DeviceScan::InclusiveSum(nullptr, bytes, counts, row + 1, n, stream()));
    temp_.resize(bytes);
    MDGPU_CUDA_CHECK(cub::DeviceScan::InclusiveSum(temp_.data(), bytes, counts, row + 1, n, stream()));
  }

  // The same; returns row[n] (synchronising).
  std::int64_t rows(const std::int64_t* counts, int n, std::int64_t* row) {
    rows_into(counts, n, row);
    std::int64_t total = 0;
    copy(&total, false, row + n, true, sizeof total);
    return total;
  }

  // merge over init and value(0..n-1) in CUB's fixed tree; exact for min and max, so those match
  // the host whenever the values do; sums differ from the host's by rounding (another order).
  template <class R, class F, class Merge>
  R reduce(std::int64_t n, const R& init, const F& value, const Merge& merge) {
    static_assert(sizeof(R) <= exec_detail::kSlot, "result does not fit its slot");
    if (n <= 0) return init;
    reduce_to(n, init, value, merge, static_cast<R*>(nullptr));
    R result;
    copy(&result, false, temp_.data(), true, sizeof(R));
    return result;
  }

  // The same reduction, its result left in device memory at `out` (outside the executor's
  // scratch): no synchronisation, the host reads it when it needs it.
  template <class R, class F, class Merge>
  void reduce_into(std::int64_t n, const R& init, const F& value, const Merge& merge, R* out) {
    if (n <= 0) return for_each(1, exec_detail::Store<R>{out, init});
    reduce_to(n, init, value, merge, out);
  }

  template <class R, class F>
  R sum(std::int64_t n, const F& f) {
    return reduce(n, R{}, f, exec_detail::Plus{});
  }
  template <class R, class F>
  void sum_into(std::int64_t n, const F& f, R* out) {
    reduce_into(n, R{}, f, exec_detail::Plus{}, out);
  }

  // Stable sort of the items 0..n-1 by key (0 <= key < nkeys), as the host's counting sort:
  // order lists the items key by key (LSD radix sort is stable, so ascending item order within a
  // key), start (nkeys + 1) where each key's items begin, empty keys included.
  void sort_by_key(const int* key, int n, int nkeys, int* order, int* start) {
    const int bits = exec_detail::key_bits(nkeys);
    std::size_t bytes = 0;
    MDGPU_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(nullptr, bytes, key, static_cast<int*>(nullptr),
                                                     static_cast<const int*>(nullptr), order, n, 0, bits, stream()));
    // temp_: the identity permutation, the sorted keys, then CUB's storage.
    const std::size_t ints = exec_detail::aligned(static_cast<std::size_t>(n) * sizeof(int));
    temp_.resize(2 * ints + bytes);
    int* identity = reinterpret_cast<int*>(temp_.data());
    int* sorted = reinterpret_cast<int*>(temp_.data() + ints);
    for_each(n, exec_detail::Iota{identity});
    if (n > 0)
      MDGPU_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(temp_.data() + 2 * ints, bytes, key, sorted, identity, order,
                                                       n, 0, bits, stream()));
    for_each(static_cast<std::int64_t>(nkeys) + 1, exec_detail::LowerBound{sorted, n, start});
  }

  // The work's kernels, CUB calls, memsets and device copies as a CUDA graph (kernels/cuda/cuda_graph.hpp).
  static std::unique_ptr<Replay> record(const std::function<void()>& work) { return record_graph(work); }

  // No private accumulators: items write only their own entries, so the device takes full
  // neighbor lists (a half list would need floating-point atomics, whose order varies).
  static constexpr bool kPrivateAccumulators = false;
  // Rows cannot be packed in place by parallel threads: the list is counted, then filled.
  static constexpr bool kPacksRowsInPlace = false;

private:
  // The reduction of n > 0 items into `out`, or into temp_'s first slot when out is null (CUB's
  // storage then follows that slot).
  template <class R, class F, class Merge>
  void reduce_to(std::int64_t n, const R& init, const F& value, const Merge& merge, R* out) {
    const thrust::counting_iterator<std::int64_t> items(0);
    std::size_t bytes = 0;
    MDGPU_CUDA_CHECK(cub::DeviceReduce::TransformReduce(nullptr, bytes, items, static_cast<R*>(nullptr), n, merge,
                                                        value, init, stream()));
    const std::size_t skip = out ? 0 : exec_detail::kSlot;
    temp_.resize(skip + bytes);
    if (!out) out = reinterpret_cast<R*>(temp_.data());
    MDGPU_CUDA_CHECK(
        cub::DeviceReduce::TransformReduce(temp_.data() + skip, bytes, items, out, n, merge, value, init, stream()));
  }

  Buffer<std::uint8_t> temp_{Space::Device, 0};  // CUB storage and results, grow-only
};

}  // namespace mdgpu::cuda
