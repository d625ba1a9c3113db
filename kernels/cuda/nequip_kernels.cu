// The NequIP item kernels (kernels/nequip_item_kernels.hpp) on the device executor
// (kernels/cuda/cuda_exec.cuh). Only edge_rows, reverse_edges, virial and energy synchronise, to
// bring a count or a sum to the host.
#include "kernels/cuda/nequip_kernels.hpp"

#include "kernels/cuda/cuda_exec.cuh"
#include "kernels/nequip_item_kernels.hpp"

namespace mdgpu::cuda {

template <class T>
std::unique_ptr<nequip::Kernels<T>> make_nequip_kernels() {
  return std::make_unique<nequip::ItemKernels<T, CudaExec>>();
}

template std::unique_ptr<nequip::Kernels<float>> make_nequip_kernels<float>();
template std::unique_ptr<nequip::Kernels<double>> make_nequip_kernels<double>();

}  // namespace mdgpu::cuda
