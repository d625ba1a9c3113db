// How much work one item of a loop is, so that the host executor can decide whether a parallel
// region pays and how to hand items to threads. The device executor launches one thread per item
// whatever the grain.
#pragma once

namespace mdgpu {

struct Grain {
  long min_parallel;  // fewer items than this run on the calling thread
  int chunk;          // items handed out at a time (dynamic schedule); 0 = equal static shares
};

// A few flops per item (kick, drift, elementwise NequIP items): below a few thousand items a
// parallel region costs more than it saves, and much more when other processes share the cores.
inline constexpr Grain kLightItems{8192, 0};
// A loop over the neighbors per item: uneven in cost, so handed out dynamically.
inline constexpr Grain kNeighborItems{256, 64};
// Items heavy enough that any count is worth spreading over the threads.
inline constexpr Grain kHeavyItems{1, 0};

}  // namespace mdgpu
