// The CPU backend: the MD core's items run by OpenMP loops (kernels/host/omp_exec.hpp). It is the
// reference the CUDA backend is tested against.
#pragma once

#include <memory>

#include "kernels/backend.hpp"

namespace mdgpu {

std::unique_ptr<Backend> make_host_backend(int threads);

}  // namespace mdgpu
