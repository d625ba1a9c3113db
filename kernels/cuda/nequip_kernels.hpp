// The NequIP kernels of the CUDA backend (model/nequip_evaluator.cpp picks them for
// Space::Device). Plain C++: no CUDA headers here.
#pragma once

#include <memory>

#include "kernels/nequip_kernels.hpp"

namespace mdgpu::cuda {

// How the float32 fused kernels compute the radial MLP's last layer (the TP weights, and its g W^T
// in the backward): as 3xTF32 on the tensor cores (the default), or as FP32 dot products on the
// CUDA cores. Both are within float32's bound; which is faster only a GPU can say
// (benches/RESULTS.md), so both are built. float64 always takes the dot products.
enum class MlpProducts { Tf32x3, Fma };

// The setting of the environment variable MDGPU_NEQUIP_MLP ("3xtf32" or "fma"; unset: 3xtf32),
// read once per process; any other value throws InputError. The benchmarks and tools/gpu_check.sh
// flip it to time both ways.
MlpProducts mlp_products_from_environment();

template <class T>
std::unique_ptr<nequip::Kernels<T>> make_nequip_kernels(MlpProducts products = mlp_products_from_environment());

}  // namespace mdgpu::cuda
