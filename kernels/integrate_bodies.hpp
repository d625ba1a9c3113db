// Per-atom bodies of the integrators and of the bookkeeping around them.
#pragma once

#include <cmath>

#include "core/units.hpp"
#include "core/box_data.hpp"
#include "kernels/philox.hpp"
#include "kernels/views.hpp"

namespace mdgpu {

// v += dt * F / m
MDGPU_HD void kick_atom(const AtomsView& a, int i, double dt) {
  const double s = dt * units::kFtm2v / a.mass[i];
  a.vx[i] += s * a.fx[i];
  a.vy[i] += s * a.fy[i];
  a.vz[i] += s * a.fz[i];
}

// x += dt * v
MDGPU_HD void drift_atom(const AtomsView& a, int i, double dt) {
  a.x[i] += dt * a.vx[i];
  a.y[i] += dt * a.vy[i];
  a.z[i] += dt * a.vz[i];
}

MDGPU_HD void scale_velocity_atom(const AtomsView& a, int i, double factor) {
  a.vx[i] *= factor;
  a.vy[i] *= factor;
  a.vz[i] *= factor;
}

// Langevin "O" step: exact Ornstein–Uhlenbeck update v <- c1 v + sqrt((1 - c1²) kT/m) R.
MDGPU_HD void langevin_atom(const AtomsView& a, int i, double c1, double kT, std::uint64_t seed,
                            std::uint64_t step) {
  double r[4];
  philox_normal4(seed, 0u, static_cast<std::uint32_t>(i), step, r);
  const double sigma = std::sqrt((1.0 - c1 * c1) * kT * units::kFtm2v / a.mass[i]);
  a.vx[i] = c1 * a.vx[i] + sigma * r[0];
  a.vy[i] = c1 * a.vy[i] + sigma * r[1];
  a.vz[i] = c1 * a.vz[i] + sigma * r[2];
}

// A linear map of 3-vectors as a row vector times a matrix: u <- u · m. The barostat moves
// positions with the cell (m = H_old⁻¹ H_new keeps fractional coordinates) and scales and shears
// velocities with it.
struct LinearMap {
  double m[3][3];
};

MDGPU_HD void linear_map_atom(double* x, double* y, double* z, int i, const LinearMap& l) {
  const double u[3] = {x[i], y[i], z[i]};
  x[i] = u[0] * l.m[0][0] + u[1] * l.m[1][0] + u[2] * l.m[2][0];
  y[i] = u[0] * l.m[0][1] + u[1] * l.m[1][1] + u[2] * l.m[2][1];
  z[i] = u[0] * l.m[0][2] + u[1] * l.m[1][2] + u[2] * l.m[2][2];
}

// m v_a v_b for the six components (xx, yy, zz, xy, xz, yz), in eV.
MDGPU_HD void kinetic_tensor_atom(const AtomsView& a, int i, double out[6]) {
  const double m = a.mass[i] * units::kMvv2e;
  out[0] = m * a.vx[i] * a.vx[i];
  out[1] = m * a.vy[i] * a.vy[i];
  out[2] = m * a.vz[i] * a.vz[i];
  out[3] = m * a.vx[i] * a.vy[i];
  out[4] = m * a.vx[i] * a.vz[i];
  out[5] = m * a.vy[i] * a.vz[i];
}

// Moves atom i into the home cell along periodic axes by whole lattice vectors, counting the
// moves in its image counters. Subtracting n·H (not rebuilding r from s) keeps open axes exact.
MDGPU_HD void wrap_atom(const AtomsView& a, int i, const BoxData& box) {
  const double r[3] = {a.x[i], a.y[i], a.z[i]};
  double s[3];
  box_to_frac(box, r, s);
  int n[3];
  for (int k = 0; k < 3; ++k) n[k] = box.periodic[k] ? static_cast<int>(std::floor(s[k])) : 0;
  if (n[0] == 0 && n[1] == 0 && n[2] == 0) return;
  double shift[3];
  box_shift(box, n[0], n[1], n[2], shift);
  a.x[i] -= shift[0];
  a.y[i] -= shift[1];
  a.z[i] -= shift[2];
  a.imx[i] += n[0];
  a.imy[i] += n[1];
  a.imz[i] += n[2];
}

MDGPU_HD double displacement_sq_atom(const AtomsView& a, int i, const double* rx, const double* ry,
                                     const double* rz) {
  const double dx = a.x[i] - rx[i], dy = a.y[i] - ry[i], dz = a.z[i] - rz[i];
  return dx * dx + dy * dy + dz * dz;
}

}  // namespace mdgpu
