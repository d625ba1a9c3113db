// A trajectory file as a stretch of samples for `mdgpu analyze`: every `every`-th frame with its
// time and, when the frame has velocities, its temperature. Frames are read one at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "analysis/frame_analysis.hpp"
#include "analysis/unwrap.hpp"
#include "io/extxyz.hpp"

namespace mdgpu {

class TrajectorySamples {
public:
  // Counts the frames, then reads the first ones. For the MSD (`for_msd`) the frames get image
  // counters — from a 3-column `image` property of the file, else by joining consecutive frames
  // through the minimum image — and must be evenly spaced in time: `frame_interval` (ps), or
  // the `time` the frames carry.
  TrajectorySamples(const std::filesystem::path& path, std::int64_t every,
                    std::optional<double> frame_interval, bool for_msd);

  const Stretch& stretch() const { return stretch_; }
  bool next(System& system, ThermoSample& sample);  // false after the last sample
  // About frames the minimum image may have joined wrongly; empty when there were none.
  std::string warning() const;

private:
  bool read(Frame& frame);  // the next frame with its image counters and time set

  std::filesystem::path path_;
  std::int64_t every_;
  ExtxyzReader reader_;
  ImageTracker tracker_;
  std::int64_t frame_index_ = 0;
  std::optional<double> time0_, interval_;
  bool times_from_file_, for_msd_;
  std::optional<Frame> pending_[2];  // frames read ahead to find the interval
  Stretch stretch_;
};

}  // namespace mdgpu
