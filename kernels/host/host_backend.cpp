#include "kernels/host/host_backend.hpp"

#include <omp.h>

#include "kernels/host/omp_exec.hpp"
#include "kernels/md_backend.hpp"

namespace mdgpu {

std::unique_ptr<Backend> make_host_backend(int threads) {
  if (threads > 0) omp_set_num_threads(threads);
  return std::make_unique<ExecBackend<OmpExec>>("cpu");
}

}  // namespace mdgpu
