#include "io/frame_geometry.hpp"

#include <cmath>

#include "core/errors.hpp"

namespace mdgpu {

FramePositions frame_positions(const System& system, Coordinates coordinates) {
  const std::size_t n = system.size();
  const BoxData& box = system.box.data();
  FramePositions out;
  out.r.resize(n);
  for (auto& im : out.image) im.assign(n, 0);
  const Vec3Array& p = system.positions;
  for (std::size_t i = 0; i < n; ++i) {
    const double r[3] = {p.x[i], p.y[i], p.z[i]};
    int shift[3];
    if (coordinates == Coordinates::Unwrapped) {
      for (int k = 0; k < 3; ++k) shift[k] = -system.image[k][i];
    } else {
      double s[3];
      box_to_frac(box, r, s);
      for (int k = 0; k < 3; ++k) {
        shift[k] = box.periodic[k] ? static_cast<int>(std::floor(s[k])) : 0;
        out.image[k][i] = system.image[k][i] + shift[k];
      }
    }
    double d[3];
    box_shift(box, shift[0], shift[1], shift[2], d);
    out.r.x[i] = r[0] - d[0];
    out.r.y[i] = r[1] - d[1];
    out.r.z[i] = r[2] - d[2];
  }
  return out;
}

CanonicalFrame::CanonicalFrame(const Box& box, const std::string& where) : cell_(box.cell()) {
  const Mat3& h = box.cell();
  const bool canonical = h[0][1] == 0 && h[0][2] == 0 && h[1][2] == 0 && h[0][0] >= 0 &&
                         h[1][1] >= 0 && h[2][2] >= 0;
  if (canonical) return;
  const Vec3 normal = cross(h[0], h[1]);
  if (norm(normal) == 0)
    throw InputError(where, "this trajectory format stores the cell with a along x and b in the xy "
                            "plane, which needs lattice vectors a and b (or an open system whose "
                            "vectors lie along the axes)");
  Vec3 x, z;
  for (int j = 0; j < 3; ++j) x[j] = h[0][j] / norm(h[0]), z[j] = normal[j] / norm(normal);
  rotation_ = {x, cross(z, x), z};
  rotates_ = true;
  for (int k = 0; k < 3; ++k)
    for (int j = 0; j < 3; ++j) cell_[k][j] = dot(rotation_[j], h[k]);
  // Zero in exact arithmetic; rounding leaves ~1e-16 that would read as tilt.
  cell_[0][1] = cell_[0][2] = cell_[1][2] = 0.0;
}

void CanonicalFrame::apply(Vec3Array& v) const {
  if (!rotates_) return;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const Vec3 old{v.x[i], v.y[i], v.z[i]};
    v.x[i] = dot(rotation_[0], old);
    v.y[i] = dot(rotation_[1], old);
    v.z[i] = dot(rotation_[2], old);
  }
}

void cell_lengths_angles(const Box& box, double lengths[3], double angles[3]) {
  const Mat3& h = box.cell();
  for (int k = 0; k < 3; ++k) lengths[k] = box.periodic()[k] ? norm(h[k]) : 0.0;
  for (int k = 0; k < 3; ++k) {
    const Vec3& u = h[(k + 1) % 3];
    const Vec3& v = h[(k + 2) % 3];
    const double c = dot(u, v);
    // Exactly 90 for perpendicular or missing vectors, which readers test for orthogonal cells.
    angles[k] = c == 0.0 ? 90.0 : std::atan2(norm(cross(u, v)), c) * (180.0 / M_PI);
  }
}

}  // namespace mdgpu
