// Entry points of the CUDA backend for kernels/backend.cpp. Plain C++: no CUDA headers here.
#pragma once

#include <memory>
#include <string>

#include "kernels/backend.hpp"

namespace mdgpu::cuda {

// True when a device is visible and can run this build's kernels; otherwise false with the
// reason in *why_not. CUDA errors are reported here, never thrown.
bool device_available(std::string* why_not = nullptr);

// The devices this process sees (0 when none, or on any CUDA error), and the one its later CUDA
// work uses (RuntimeFailure when it cannot be had). Chosen before any other CUDA call of the process.
int device_count();
void use_device(int ordinal);

// The backend on the current CUDA device; buffers it is given live in Space::Device.
std::unique_ptr<Backend> make_cuda_backend();

}  // namespace mdgpu::cuda
