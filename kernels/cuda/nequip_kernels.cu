// The NequIP item kernels (kernels/nequip_item_kernels.hpp) on the device: one thread per item on
// the default stream, in call order; CUB for the row scan and the sums (no floating-point atomics:
// results are run-to-run deterministic). Only edge_rows, reverse_edges, virial and energy
// synchronise, to bring a count or a sum to the host.
#include "kernels/cuda/nequip_kernels.hpp"

#include <climits>
#include <string>

#include <cub/device/device_reduce.cuh>
#include <cub/device/device_scan.cuh>
#include <thrust/iterator/counting_iterator.h>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/cuda_memory.hpp"
#include "kernels/cuda/launch.cuh"
#include "kernels/nequip_item_kernels.hpp"

namespace mdgpu::cuda {
namespace {

template <class F>
__global__ void for_each_kernel(std::int64_t n, F f) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) f(i);
}

struct Plus {
  template <class R>
  __host__ __device__ R operator()(const R& l, const R& r) const {
    return l + r;
  }
};

// CUB wants its temporary storage 256-byte aligned; the first slot holds a result.
constexpr std::size_t kSlot = 256;

class CudaExec {
public:
  Space space() const { return Space::Device; }

  template <class F>
  void for_each(std::int64_t n, const F& f) {
    if (n <= 0) return;  // a zero-block grid is a launch error
    const std::int64_t blocks = (n + kBlockSize - 1) / kBlockSize;
    if (blocks > INT_MAX)
      throw RuntimeFailure("NequIP: " + std::to_string(n) + " work items exceed one CUDA launch");
    for_each_kernel<<<static_cast<unsigned>(blocks), kBlockSize>>>(n, f);
    MDGPU_CUDA_CHECK(cudaGetLastError());
  }

  std::int64_t rows(const std::int64_t* counts, int n, std::int64_t* row) {
    zero(row, sizeof(std::int64_t));
    if (n > 0) {
      std::size_t bytes = 0;
      MDGPU_CUDA_CHECK(cub::DeviceScan::InclusiveSum(nullptr, bytes, counts, row + 1, n));
      temp_.resize(bytes);
      MDGPU_CUDA_CHECK(cub::DeviceScan::InclusiveSum(temp_.data(), bytes, counts, row + 1, n));
    }
    std::int64_t total = 0;
    copy(&total, false, row + n, true, sizeof total);
    return total;
  }

  template <class R, class F>
  R sum(std::int64_t n, const F& f) {
    static_assert(sizeof(R) <= kSlot, "result does not fit its slot");
    if (n <= 0) return R{};
    const thrust::counting_iterator<std::int64_t> items(0);
    std::size_t bytes = 0;
    MDGPU_CUDA_CHECK(cub::DeviceReduce::TransformReduce(nullptr, bytes, items, static_cast<R*>(nullptr), n, Plus{},
                                                        f, R{}));
    temp_.resize(kSlot + bytes);
    R* out = reinterpret_cast<R*>(temp_.data());
    MDGPU_CUDA_CHECK(cub::DeviceReduce::TransformReduce(temp_.data() + kSlot, bytes, items, out, n, Plus{}, f, R{}));
    R result;
    copy(&result, false, out, true, sizeof(R));
    return result;
  }

private:
  Buffer<std::uint8_t> temp_{Space::Device, 0};  // CUB storage, grow-only
};

}  // namespace

template <class T>
std::unique_ptr<nequip::Kernels<T>> make_nequip_kernels() {
  return std::make_unique<nequip::ItemKernels<T, CudaExec>>();
}

template std::unique_ptr<nequip::Kernels<float>> make_nequip_kernels<float>();
template std::unique_ptr<nequip::Kernels<double>> make_nequip_kernels<double>();

}  // namespace mdgpu::cuda
