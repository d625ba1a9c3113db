// The CUDA backend: the MD core's items (kernels/md_backend.hpp) run by the device executor.
#include "kernels/cuda/cuda_backend.hpp"

#include "kernels/cuda/cuda_exec.cuh"
#include "kernels/md_backend.hpp"

namespace mdgpu::cuda {

std::unique_ptr<Backend> make_cuda_backend() { return std::make_unique<ExecBackend<CudaExec>>("cuda"); }

}  // namespace mdgpu::cuda
