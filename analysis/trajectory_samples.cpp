#include "analysis/trajectory_samples.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "engine/velocities.hpp"

namespace mdgpu {
namespace {

std::int64_t count_frames(const std::filesystem::path& path) {
  ExtxyzReader counter(path);
  std::int64_t frames = 0;
  while (counter.skip()) ++frames;
  return frames;
}

// The frame's `time` (ps) when it has one.
std::optional<double> frame_time(const Frame& frame) {
  const auto t = info_numbers(frame, "time");
  if (!t) return std::nullopt;
  if (t->size() != 1) throw InputError(frame.where, "time must be one number (ps)");
  return t->front();
}

}  // namespace

TrajectorySamples::TrajectorySamples(const std::filesystem::path& path, std::int64_t every,
                                     std::optional<double> frame_interval, bool for_msd)
    : path_(path),
      every_(every),
      reader_(path),
      interval_(frame_interval),
      times_from_file_(!frame_interval),
      for_msd_(for_msd) {
  const std::int64_t frames = count_frames(path);
  if (frames < (for_msd ? 2 : 1))
    throw InputError(path.string(), fmt::format("the trajectory has {} frame(s)", frames));
  stretch_.label = path.string();
  stretch_.samples = (frames - 1) / every + 1;
  for (auto& f : pending_) {
    f.emplace();
    if (!read(*f)) f.reset();
  }
  if (times_from_file_ && pending_[1]) {
    const auto t0 = frame_time(*pending_[0]), t1 = frame_time(*pending_[1]);
    if (t0 && t1) interval_ = *t1 - *t0;
  }
  if (for_msd_ && (!interval_ || !(*interval_ > 0)))
    throw InputError(path.string(), interval_
                                        ? "the first two frames are not apart in time"
                                        : "the frames carry no time=; give --frame-interval-ps");
  stretch_.sample_interval = interval_.value_or(NAN) * every;
}

bool TrajectorySamples::read(Frame& frame) {
  if (!reader_.next(frame)) return false;
  System& s = frame.system;
  const auto images = frame.arrays.find("image");
  if (images != frame.arrays.end() && images->second.columns == 3) {
    for (std::size_t i = 0; i < s.size(); ++i)
      for (int k = 0; k < 3; ++k)
        s.image[k][i] = static_cast<std::int32_t>(std::lround(images->second.values[3 * i + k]));
  } else if (for_msd_) {
    tracker_.track(s, frame.where);
  }
  return true;
}

bool TrajectorySamples::next(System& system, ThermoSample& sample) {
  Frame frame;
  for (;;) {
    if (pending_[0]) {
      frame = std::move(*pending_[0]);
      pending_[0] = std::move(pending_[1]);
      pending_[1].reset();
    } else if (!read(frame)) {
      return false;
    }
    const std::int64_t index = frame_index_++;
    // A given interval overrides the frames' own times.
    const std::optional<double> t = times_from_file_ ? frame_time(frame) : std::nullopt;
    if (!time0_) time0_ = t;
    if (for_msd_ && t && time0_ &&
        std::fabs(*t - *time0_ - index * *interval_) > 1e-6 * *interval_ + 1e-9)
      throw InputError(frame.where,
                       fmt::format("time={} ps, but evenly spaced frames would be at {} ps: "
                                   "the MSD needs frames evenly spaced in time",
                                   *t, *time0_ + index * *interval_));
    if (index % every_ != 0) continue;
    sample = ThermoSample{};
    sample.stage = path_.string();
    const auto step = info_numbers(frame, "step");
    sample.step = step && step->size() == 1 ? std::llround(step->front()) : index;
    sample.time = t ? *t : index * interval_.value_or(NAN);
    const System& s = frame.system;
    sample.temperature = s.has_velocities && s.size() > 1
                             ? kinetic_temperature(s, 3 * static_cast<int>(s.size()) - 3)
                             : NAN;
    system = std::move(frame.system);
    return true;
  }
}

std::string TrajectorySamples::warning() const {
  if (tracker_.large_jumps() == 0) return {};
  return fmt::format(
      "warning: {} move(s) between consecutive frames exceed a third of the cell width "
      "(first: {}); the minimum image may have joined them wrongly — write frames more "
      "often, or with image counters",
      tracker_.large_jumps(), tracker_.first_large_jump());
}

}  // namespace mdgpu
