// The machine's physical memory, the bound the start-up checks hold every estimate to.
#pragma once

#include <cstdint>

namespace mdgpu {

// Physical memory of this machine, in bytes (UINT64_MAX when the system does not say).
std::uint64_t machine_memory_bytes();

}  // namespace mdgpu
