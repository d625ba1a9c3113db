#include "core/box.hpp"

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace mdgpu {
namespace {

constexpr const char* kAxisName[3] = {"a", "b", "c"};

// Fill zero rows (open axes without a lattice vector) with unit vectors orthogonal to the rest.
Mat3 complete_frame(const Mat3& cell, const bool given[3]) {
  Mat3 f = cell;
  for (int k = 0; k < 3; ++k) {
    if (given[k]) continue;
    // Pick the Cartesian axis least aligned with the vectors already in the frame, then
    // Gram-Schmidt it against them.
    Vec3 best{};
    double best_score = 1e300;
    for (int m = 0; m < 3; ++m) {
      Vec3 e{};
      e[m] = 1.0;
      double score = 0.0;
      for (int q = 0; q < 3; ++q)
        if (q != k && norm(f[q]) > 0) score += std::fabs(dot(e, f[q])) / norm(f[q]);
      if (score < best_score) best_score = score, best = e;
    }
    for (int q = 0; q < 3; ++q) {
      const double n2 = dot(f[q], f[q]);
      if (q == k || n2 == 0.0) continue;
      const double p = dot(best, f[q]) / n2;
      for (int j = 0; j < 3; ++j) best[j] -= p * f[q][j];
    }
    const double n = norm(best);
    for (int j = 0; j < 3; ++j) f[k][j] = best[j] / n;
  }
  if (det(f) < 0) {  // keep the frame right-handed by flipping a stand-in
    for (int k = 0; k < 3; ++k)
      if (!given[k]) {
        for (int j = 0; j < 3; ++j) f[k][j] = -f[k][j];
        break;
      }
  }
  return f;
}

}  // namespace

Vec3 cross(const Vec3& u, const Vec3& v) {
  return {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
}
double dot(const Vec3& u, const Vec3& v) { return u[0] * v[0] + u[1] * v[1] + u[2] * v[2]; }
double norm(const Vec3& u) { return std::sqrt(dot(u, u)); }
double det(const Mat3& m) { return dot(m[0], cross(m[1], m[2])); }

Box::Box() : Box(Mat3{}, {false, false, false}) {}

Box::Box(const Mat3& rows, const std::array<bool, 3>& periodic, const std::string& where)
    : cell_(rows), periodic_(periodic) {
  bool given[3];
  double longest = 0.0;
  for (int k = 0; k < 3; ++k) longest = std::fmax(longest, norm(rows[k]));
  for (int k = 0; k < 3; ++k) {
    given[k] = norm(rows[k]) > 1e-12 * std::fmax(1.0, longest);
    if (periodic[k] && !given[k])
      throw InputError(where, fmt::format("periodic axis {} has a zero-length lattice vector",
                                          kAxisName[k]));
  }
  if (given[0] && given[1] && given[2]) {
    const double v = det(rows);
    const double scale = norm(rows[0]) * norm(rows[1]) * norm(rows[2]);
    if (std::fabs(v) <= 1e-10 * scale)
      throw InputError(where, "the cell has zero volume (its lattice vectors are coplanar)");
    if (v < 0)
      throw InputError(where, "the cell is left-handed (det < 0); swap two lattice vectors");
    has_volume_ = true;
  }
  const Mat3 f = complete_frame(rows, given);
  const double d = det(f);
  if (!(std::fabs(d) > 0) || !std::isfinite(d))
    throw InputError(where, "the lattice vectors are linearly dependent");
  const Vec3 c0 = cross(f[1], f[2]), c1 = cross(f[2], f[0]), c2 = cross(f[0], f[1]);
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) data_.h[i][j] = f[i][j];
    // hinv = H^{-1}: columns are the reciprocal vectors (cross products / det).
    data_.hinv[i][0] = c0[i] / d;
    data_.hinv[i][1] = c1[i] / d;
    data_.hinv[i][2] = c2[i] / d;
    data_.periodic[i] = periodic[i] ? 1 : 0;
  }
}

double Box::volume() const {
  if (!has_volume_) throw RuntimeFailure("the cell has no volume (an open axis has no lattice vector)");
  return std::fabs(det(cell_));
}

double Box::perpendicular_width(int k) const {
  Mat3 f;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) f[i][j] = data_.h[i][j];
  const Vec3 n = cross(f[(k + 1) % 3], f[(k + 2) % 3]);
  return std::fabs(det(f)) / norm(n);
}

}  // namespace mdgpu
