// How much work one item of a loop is, so that the host executor can decide whether a parallel
// region pays and how to hand items to threads. The device executor launches one thread per item
// whatever the grain.
#pragma once

namespace mdgpu {

struct Grain {
  long min_parallel;  // fewer items than this run on the calling thread
  int chunk;          // items handed out at a time (dynamic schedule); 0 = equal static shares
};

// A few flops per item (kick, drift, one term of a sum): 65,536 of them take some 50 µs on one
// core, a small share of an MD step, while each parallel region is a join at which every thread
// waits for the slowest, and on cores shared with other processes that can be a whole scheduler
// time slice. So these loops stay on one thread up to large systems.
inline constexpr Grain kLightItems{1 << 16, 0};
// A loop over the neighbors per item: uneven in cost, so handed out dynamically.
inline constexpr Grain kNeighborItems{256, 64};
// Items heavy enough that any count is worth spreading over the threads.
inline constexpr Grain kHeavyItems{1, 0};

}  // namespace mdgpu
