// Unwrapped positions, the only positions an MSD may use: the coordinates as stored plus the
// image counters times the cell, r + n·H — never the wrapped coordinates alone. Trajectories
// written without image counters get them from ImageTracker, which joins consecutive frames by
// the minimum image.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/system.hpp"

namespace mdgpu {

// out = r + n·H for every atom.
void unwrapped_positions(const System& system, Vec3Array& out);

class ImageTracker {
public:
  // Sets the image counters of `frame` (the next frame of a trajectory) so that every atom has
  // moved by the minimum image since the previous frame; the first frame keeps zero counters.
  // `where` names the frame in messages (InputError when the atom count changes).
  void track(System& frame, const std::string& where);

  // Moves of more than a third of the cell width along a periodic axis between two frames: the
  // minimum image may have joined those wrongly (frames too far apart).
  std::int64_t large_jumps() const { return large_jumps_; }
  const std::string& first_large_jump() const { return first_large_jump_; }

private:
  std::vector<double> previous_[3];  // fractional coordinates in the previous frame
  std::vector<std::int32_t> image_[3];
  std::int64_t large_jumps_ = 0;
  std::string first_large_jump_;
};

}  // namespace mdgpu
