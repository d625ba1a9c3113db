// Stream capture and CUDA graphs (simt/include/cuda_runtime_api.h): the work submitted on a stream
// being captured is recorded in order; a graph launch runs the recorded work in that order.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cuda_runtime_api.h"
#include "simt/src/internal.hpp"

using Work = std::vector<std::function<void()>>;

struct CUgraph_st {
  Work work;
};
struct CUgraphExec_st {
  Work work;
};

namespace simt {
namespace {

struct Capture {
  Work work;
  bool invalidated = false;
};

// The streams being captured.
std::map<const void*, Capture>& captures() {
  static std::map<const void*, Capture> c;
  return c;
}

// The graphs and executable graphs made and not yet destroyed.
std::set<const void*>& live_graphs() {
  static std::set<const void*> g;
  return g;
}

cudaError_t fail(cudaError_t err) {
  set_last_launch_error(err);
  return err;
}

}  // namespace

namespace {

// Operations running now, one inside another: a CUB stand-in's grid inside its call, a graph's
// operations inside its launch. Only an outermost one counts as issued.
int& running() {
  static int depth = 0;
  return depth;
}

// Runs `work` at once, or records it while `stream` is being captured.
void run_or_record(const void* stream, std::function<void()> work) {
  const auto it = captures().find(stream);
  if (it != captures().end()) return it->second.work.push_back(std::move(work));
  struct Running {
    Running() { ++running(); }
    ~Running() { --running(); }
  } now;
  work();
}

}  // namespace

void submit(const void* stream, std::function<void()> work) {
  if (!capturing(stream) && running() == 0) ++counters().issued;
  run_or_record(stream, std::move(work));
}

bool capturing(const void* stream) { return stream ? captures().count(stream) > 0 : !captures().empty(); }

bool refused_in_capture(const void* stream) {
  if (!capturing(stream)) return false;
  for (auto& [s, c] : captures())
    if (!stream || s == stream) c.invalidated = true;
  return true;
}

}  // namespace simt

cudaError_t cudaStreamBeginCapture(cudaStream_t stream, cudaStreamCaptureMode mode) {
  // The legacy default stream cannot be captured.
  if (stream == nullptr) return simt::fail(cudaErrorStreamCaptureUnsupported);
  simt::use_stream(stream, "cudaStreamBeginCapture");
  if (mode > cudaStreamCaptureModeRelaxed) return simt::fail(cudaErrorInvalidValue);
  if (simt::capturing(stream)) return simt::fail(cudaErrorIllegalState);
  simt::captures()[stream] = simt::Capture{};
  return cudaSuccess;
}

cudaError_t cudaStreamEndCapture(cudaStream_t stream, cudaGraph_t* graph) {
  *graph = nullptr;
  const auto it = simt::captures().find(stream);
  if (it == simt::captures().end()) return simt::fail(cudaErrorIllegalState);
  simt::Capture capture = std::move(it->second);
  simt::captures().erase(it);
  if (capture.invalidated) return simt::fail(cudaErrorStreamCaptureInvalidated);
  *graph = new CUgraph_st{std::move(capture.work)};
  simt::live_graphs().insert(*graph);
  return cudaSuccess;
}

cudaError_t cudaStreamIsCapturing(cudaStream_t stream, cudaStreamCaptureStatus* status) {
  const auto it = simt::captures().find(stream);
  *status = it == simt::captures().end() ? cudaStreamCaptureStatusNone
            : it->second.invalidated     ? cudaStreamCaptureStatusInvalidated
                                         : cudaStreamCaptureStatusActive;
  return cudaSuccess;
}

cudaError_t cudaGraphInstantiate(cudaGraphExec_t* exec, cudaGraph_t graph, unsigned long long) {
  if (!simt::live_graphs().count(graph)) return simt::fail(cudaErrorInvalidResourceHandle);
  *exec = new CUgraphExec_st{graph->work};
  simt::live_graphs().insert(*exec);
  return cudaSuccess;
}

// Counted at the call; its work is counted by kind when it runs, and as replayed (not as issued).
cudaError_t cudaGraphLaunch(cudaGraphExec_t exec, cudaStream_t stream) {
  if (!simt::live_graphs().count(exec)) return simt::fail(cudaErrorInvalidResourceHandle);
  simt::use_stream(stream, "cudaGraphLaunch");
  ++simt::counters().graph_launches;
  simt::run_or_record(stream, [work = exec->work] {
    for (const auto& w : work) {
      ++simt::counters().replayed;
      w();
    }
  });
  return cudaSuccess;
}

cudaError_t cudaGraphDestroy(cudaGraph_t graph) {
  if (!simt::live_graphs().erase(graph)) return simt::fail(cudaErrorInvalidResourceHandle);
  delete graph;
  return cudaSuccess;
}

cudaError_t cudaGraphExecDestroy(cudaGraphExec_t exec) {
  if (!simt::live_graphs().erase(exec)) return simt::fail(cudaErrorInvalidResourceHandle);
  delete exec;
  return cudaSuccess;
}
