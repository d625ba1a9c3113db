#include "analysis/trajectory_samples.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "engine/velocities.hpp"
#include "io/extxyz.hpp"

namespace mdgpu {
namespace {

constexpr std::chrono::seconds kProgressEvery{3};

// The frame's `time` (ps) when it has one.
std::optional<double> frame_time(const Frame& frame) {
  const auto t = info_numbers(frame, "time");
  if (!t) return std::nullopt;
  if (t->size() != 1) throw InputError(frame.where, "time must be one number (ps)");
  return t->front();
}

// Unwrapped positions folded into the cell, the folds counted in the image counters.
void fold_into_cell(System& s) {
  const BoxData& b = s.box.data();
  for (std::size_t i = 0; i < s.size(); ++i) {
    const double r[3] = {s.positions.x[i], s.positions.y[i], s.positions.z[i]};
    double f[3];
    box_to_frac(b, r, f);
    int n[3] = {0, 0, 0};
    for (int k = 0; k < 3; ++k)
      if (b.periodic[k]) n[k] = static_cast<int>(std::floor(f[k]));
    double shift[3];
    box_shift(b, n[0], n[1], n[2], shift);
    s.positions.x[i] -= shift[0], s.positions.y[i] -= shift[1], s.positions.z[i] -= shift[2];
    for (int k = 0; k < 3; ++k) s.image[k][i] = n[k];
  }
}

}  // namespace

TrajectorySamples::TrajectorySamples(const std::filesystem::path& path,
                                     const SampleOptions& options)
    : path_(path),
      options_(options),
      reader_(open_trajectory(path, options.trajectory)),
      interval_(options.frame_interval),
      start_(std::chrono::steady_clock::now()),
      reported_(start_) {
  frames_ = reader_->count_frames();
  if (frames_ < (options.unwrap ? 2 : 1))
    throw InputError(path.string(), fmt::format("the trajectory has {} frame(s)", frames_));
  stretch_.label = path.string();
  stretch_.samples = (frames_ - 1) / options.every + 1;
  for (auto& f : pending_) {
    f.emplace();
    if (!read(*f)) f.reset();
  }
  if (!options.frame_interval && pending_[1]) {
    const auto t0 = frame_time(*pending_[0]), t1 = frame_time(*pending_[1]);
    if (t0 && t1) interval_ = *t1 - *t0;
  }
  if (options.unwrap && (!interval_ || !(*interval_ > 0)))
    throw InputError(path.string(), interval_
                                        ? "the first two frames are not apart in time"
                                        : "the frames carry no time=; give --frame-interval-ps");
  stretch_.sample_interval = interval_.value_or(NAN) * options.every;
}

bool TrajectorySamples::read(Frame& frame) {
  if (!reader_->next(frame)) return false;
  System& s = frame.system;
  const auto images = frame.arrays.find("image");
  if (frame.unwrapped) {
    fold_into_cell(s);
  } else if (images != frame.arrays.end() && images->second.columns == 3) {
    for (std::size_t i = 0; i < s.size(); ++i)
      for (int k = 0; k < 3; ++k)
        s.image[k][i] = static_cast<std::int32_t>(std::lround(images->second.values[3 * i + k]));
  } else if (options_.unwrap) {
    tracker_.track(s, frame.where);
  }
  return true;
}

void TrajectorySamples::report_progress(bool last) {
  if (!options_.progress) return;
  const auto now = std::chrono::steady_clock::now();
  if (!last && now - reported_ < kProgressEvery) return;
  if (last && !progress_shown_) return;  // short files get no progress line at all
  reported_ = now;
  progress_shown_ = true;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double fraction = static_cast<double>(frame_index_) / frames_;
  options_.progress(fmt::format(
      "{}: frame {} of {} ({:.0f} %), {:.0f} s{}", path_.string(), frame_index_, frames_,
      100 * fraction, elapsed,
      last ? "" : fmt::format(", about {:.0f} s to go", elapsed * (1 - fraction) / fraction)));
}

bool TrajectorySamples::next(System& system, ThermoSample& sample) {
  Frame frame;
  for (;;) {
    if (pending_[0]) {
      frame = std::move(*pending_[0]);
      pending_[0] = std::move(pending_[1]);
      pending_[1].reset();
    } else if (!read(frame)) {
      report_progress(true);
      return false;
    }
    const std::int64_t index = frame_index_++;
    report_progress(false);
    // A given interval overrides the frames' own times.
    const std::optional<double> t = options_.frame_interval ? std::nullopt : frame_time(frame);
    if (!time0_) time0_ = t;
    if (options_.unwrap && t && time0_ &&
        std::fabs(*t - *time0_ - index * *interval_) > 1e-6 * *interval_ + 1e-9)
      throw InputError(frame.where,
                       fmt::format("time={} ps, but evenly spaced frames would be at {} ps: "
                                   "the MSD needs frames evenly spaced in time",
                                   *t, *time0_ + index * *interval_));
    if (index % options_.every != 0) continue;
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
