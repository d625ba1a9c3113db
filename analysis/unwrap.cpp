#include "analysis/unwrap.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace mdgpu {

void unwrapped_positions(const System& system, Vec3Array& out) {
  const BoxData& b = system.box.data();
  const std::size_t n = system.size();
  out.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    double shift[3];
    box_shift(b, system.image[0][i], system.image[1][i], system.image[2][i], shift);
    out.x[i] = system.positions.x[i] + shift[0];
    out.y[i] = system.positions.y[i] + shift[1];
    out.z[i] = system.positions.z[i] + shift[2];
  }
}

void ImageTracker::track(System& frame, const std::string& where) {
  const std::size_t n = frame.size();
  const bool first = previous_[0].empty();
  if (!first && previous_[0].size() != n)
    throw InputError(
        where, fmt::format("frame has {} atoms, the previous one {}", n, previous_[0].size()));
  const BoxData& b = frame.box.data();
  for (int k = 0; k < 3; ++k) {
    previous_[k].resize(n);
    image_[k].resize(n, 0);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double r[3] = {frame.positions.x[i], frame.positions.y[i], frame.positions.z[i]};
    double s[3];
    box_to_frac(b, r, s);
    for (int k = 0; k < 3; ++k) {
      if (!first && b.periodic[k]) {
        const double ds = s[k] - previous_[k][i];
        const double jumps = std::round(ds);
        image_[k][i] -= static_cast<std::int32_t>(jumps);
        if (std::fabs(ds - jumps) > 1.0 / 3.0 && large_jumps_++ == 0)
          first_large_jump_ = fmt::format(
              "{}: atom {} moved {:.3f} of the cell width along axis {} since the previous frame",
              where, i + 1, std::fabs(ds - jumps), "abc"[k]);
      }
      previous_[k][i] = s[k];
    }
  }
  for (int k = 0; k < 3; ++k) frame.image[k] = image_[k];
}

}  // namespace mdgpu
