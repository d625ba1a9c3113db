// The NequIP kernels of the CPU backend: the item kernels on OpenMP loops, with cache-friendly
// host versions of the linears and of the per-edge messages. They are the oracle the CUDA kernels
// are tested against.
#pragma once

#include <memory>

#include "kernels/nequip_kernels.hpp"

namespace mdgpu {

template <class T>
std::unique_ptr<nequip::Kernels<T>> make_host_nequip_kernels();

}  // namespace mdgpu
