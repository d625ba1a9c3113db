// Linked into the test binary, the benchmarks and mdgpu_emulated only (never into mdgpu): there the
// emulated device is visible when MDGPU_SIMT_DEVICE is set in the environment (the ctests
// simt.cuda_* and tools/gpu_check.sh's rehearsal set it), so that the CUDA backend runs on it
// instead of being unavailable. Unset, CUDA tests skip as on any machine without a GPU: most of
// them are too slow for every test run on an emulator.
#include <cstdlib>

#include "simt/runtime.hpp"

namespace {
// Runs before every other static initialiser: the benchmarks register their backends in one.
__attribute__((constructor(101))) void make_visible() {
  simt::set_device_visible(std::getenv("MDGPU_SIMT_DEVICE") != nullptr);
}
}  // namespace
