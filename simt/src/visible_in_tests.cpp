// Linked into the test binary only: there the emulated device is visible, so the CUDA backend's
// tests run on it instead of skipping.
#include "simt/runtime.hpp"

namespace {
const bool visible = (simt::set_device_visible(true), true);
}  // namespace
