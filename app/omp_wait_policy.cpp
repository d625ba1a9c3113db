#include "app/omp_wait_policy.hpp"

#include <unistd.h>

#include <cstdlib>

namespace mdgpu::app {

void default_to_passive_omp_waiting(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY")) return;
  if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0) return;
  execv("/proc/self/exe", argv);
  unsetenv("OMP_WAIT_POLICY");  // not restarted: keep the environment as the user gave it
}

}  // namespace mdgpu::app
