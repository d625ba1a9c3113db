// CUDA graphs of mdgpu's stream (kernels/cuda/cuda_stream.cuh). Plain C++: no CUDA headers here.
#pragma once

#include <functional>
#include <memory>

#include "kernels/backend.hpp"

namespace mdgpu::cuda {

// Captures the stream while `work` runs (CUDA records its work instead of running it) and returns
// the instantiated graph, whose run() launches it on the stream. A synchronisation, a copy to or
// from the host, an allocation or a free inside `work` makes CUDA refuse the capture: the capture
// is then ended, nothing is recorded and the error is thrown (RuntimeFailure).
std::unique_ptr<Replay> record_graph(const std::function<void()>& work);

}  // namespace mdgpu::cuda
