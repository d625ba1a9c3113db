// A trajectory file as a stretch of samples for `mdgpu analyze`: every `every`-th frame of any
// format io/trajectory_reader reads, with its time and, when the frame has velocities, its
// temperature. Frames are read one at a time; a progress line goes out every few seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "analysis/frame_analysis.hpp"
#include "analysis/unwrap.hpp"
#include "io/trajectory_reader.hpp"

namespace mdgpu {

struct SampleOptions {
  std::int64_t every = 1;
  std::optional<double> frame_interval;  // ps; overrides the frames' own times
  bool unwrap = false;                   // image counters for the MSD
  TrajectoryOptions trajectory;
  std::function<void(const std::string&)> progress;  // the progress line; may be empty
};

class TrajectorySamples {
public:
  // Counts the frames, then reads the first ones. With `unwrap` the frames get image counters —
  // from the file's image flags, from folding unwrapped positions into the cell, else by joining
  // consecutive frames through the minimum image — and must be evenly spaced in time:
  // `frame_interval` (ps), or the `time` the frames carry.
  TrajectorySamples(const std::filesystem::path& path, const SampleOptions& options);

  const Stretch& stretch() const { return stretch_; }
  bool next(System& system, ThermoSample& sample);  // false after the last sample
  // About frames the minimum image may have joined wrongly; empty when there were none.
  std::string warning() const;

private:
  bool read(Frame& frame);  // the next frame with its image counters set
  void report_progress(bool last);

  std::filesystem::path path_;
  SampleOptions options_;
  std::unique_ptr<TrajectoryReader> reader_;
  ImageTracker tracker_;
  std::int64_t frames_ = 0, frame_index_ = 0;
  std::optional<double> time0_, interval_;
  std::optional<Frame> pending_[2];  // frames read ahead to find the interval
  Stretch stretch_;
  std::chrono::steady_clock::time_point start_, reported_;
  bool progress_shown_ = false;
};

}  // namespace mdgpu
