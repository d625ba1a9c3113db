#include "kernels/cuda/cuda_graph.hpp"

#include <cuda_runtime_api.h>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/cuda_memory.hpp"
#include "kernels/cuda/cuda_stream.cuh"

namespace mdgpu::cuda {
namespace {

class GraphReplay final : public Replay {
public:
  explicit GraphReplay(cudaGraphExec_t exec) : exec_(exec), frees_(device_frees()) {}
  GraphReplay(const GraphReplay&) = delete;
  GraphReplay& operator=(const GraphReplay&) = delete;
  // Possibly at exit, after the runtime has shut down: an error cannot be acted upon.
  ~GraphReplay() override { (void)cudaGraphExecDestroy(exec_); }
  void run() override { MDGPU_CUDA_CHECK(cudaGraphLaunch(exec_, stream())); }
  bool valid() const override { return device_frees() == frees_; }

private:
  cudaGraphExec_t exec_;
  std::uint64_t frees_;  // device_frees() when recorded (a capture refuses frees)
};

}  // namespace

std::unique_ptr<Replay> record_graph(const std::function<void()>& work) {
  const cudaStream_t s = stream();
  // Global mode: a call anywhere in the program that could synchronise with the capture is refused.
  MDGPU_CUDA_CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
  try {
    work();
  } catch (...) {
    cudaGraph_t failed = nullptr;
    (void)cudaStreamEndCapture(s, &failed);
    if (failed) (void)cudaGraphDestroy(failed);
    (void)cudaGetLastError();  // the capture's error is the one thrown
    throw;
  }
  cudaGraph_t graph = nullptr;
  MDGPU_CUDA_CHECK(cudaStreamEndCapture(s, &graph));
  cudaGraphExec_t exec = nullptr;
  const cudaError_t made = cudaGraphInstantiate(&exec, graph, 0);
  (void)cudaGraphDestroy(graph);  // the executable graph does not need it
  MDGPU_CUDA_CHECK(made);
  return std::make_unique<GraphReplay>(exec);
}

}  // namespace mdgpu::cuda
