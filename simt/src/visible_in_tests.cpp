// Linked into the test binary only: there the emulated device is visible when MDGPU_SIMT_DEVICE is
// set in the environment (the ctest simt.cuda_backend sets it), so that the CUDA backend's tests
// run on it instead of skipping. Unset, they skip as on any machine without a GPU: most of them
// are too slow for every test run on an emulator.
#include <cstdlib>

#include "simt/runtime.hpp"

namespace {
const bool visible = (simt::set_device_visible(std::getenv("MDGPU_SIMT_DEVICE") != nullptr), true);
}  // namespace
