#include "kernels/backend.hpp"

#include "core/errors.hpp"
#include "kernels/host/host_backend.hpp"
#if MDGPU_WITH_CUDA
#include "kernels/cuda/cuda_backend.hpp"
#endif

namespace mdgpu {

bool cuda_available(std::string* why_not) {
#if MDGPU_WITH_CUDA
  return cuda::device_available(why_not);
#else
  if (why_not) *why_not = "mdgpu was built without the CUDA backend (no nvcc at configure time)";
  return false;
#endif
}

int cuda_device_count() {
#if MDGPU_WITH_CUDA
  return cuda::device_count();
#else
  return 0;
#endif
}

void use_cuda_device(int ordinal) {
#if MDGPU_WITH_CUDA
  cuda::use_device(ordinal);
#else
  throw RuntimeFailure("mdgpu was built without the CUDA backend; device " + std::to_string(ordinal) + " cannot be used");
#endif
}

std::unique_ptr<Backend> make_backend(const std::string& name, int threads) {
  if (name == "cpu") return make_host_backend(threads);
  if (name == "cuda" || name == "auto") {
    std::string why;
    if (cuda_available(&why)) {
#if MDGPU_WITH_CUDA
      return cuda::make_cuda_backend();
#endif
    }
    if (name == "cuda") throw RuntimeFailure("the CUDA backend is not available: " + why);
    return make_host_backend(threads);
  }
  throw InputError("run.backend", "unknown backend '" + name + "' (expected auto, cpu or cuda)");
}

}  // namespace mdgpu
