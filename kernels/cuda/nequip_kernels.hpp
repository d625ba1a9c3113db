// The NequIP kernels of the CUDA backend (model/nequip_evaluator.cpp picks them for
// Space::Device). Plain C++: no CUDA headers here.
#pragma once

#include <memory>

#include "kernels/nequip_kernels.hpp"

namespace mdgpu::cuda {

template <class T>
std::unique_ptr<nequip::Kernels<T>> make_nequip_kernels();

}  // namespace mdgpu::cuda
