// Real spherical harmonics Y_lm for l = 0..3 of an edge vector, exactly as NequIP's edge
// attributes (e3nn 0.5.1 `o3.SphericalHarmonics(normalize=True, normalization="component")`):
// the raw vector is normalised first, then the Cartesian polynomials of `_spherical_harmonics`
// are evaluated at (x, y, z) in that order, so **y is the polar axis**. Component
// normalisation: sum_m Y_lm^2 = 2l + 1 on the unit sphere.
//
// Output layout: (lmax + 1)^2 values, l-major, m = -l..l inside a block (e3nn's order).
// Gradient layout: dout_dxyz[3 * c + a] = d out[c] / d r_a, with respect to the RAW vector r.
// Precondition: 0 <= lmax <= kMaxShL (device code cannot throw).
#pragma once

#include <cmath>

#include "core/hd.hpp"

namespace mdgpu {

inline constexpr int kMaxShL = 3;

namespace sh_detail {

// torch.nn.functional.normalize's eps: r / max(|r|, eps). A zero vector therefore gives
// Y = (1, 0, ..., 0) instead of NaN, like e3nn.
inline constexpr double kNormalizeEps = 1e-12;

// Polynomials of the unit vector (x, y, z) and, when G is given, their gradients dY/du (not yet
// projected onto the sphere). l <= 2 are e3nn's expressions verbatim; the l = 3 block is e3nn's
// recursion from the l = 2 block (sh_3_* in `_spherical_harmonics`) expanded to closed form,
// e.g. sh_3_0 = std::sqrt(42)/6 (sh_2_0 z + sh_2_4 x) = sqrt(70)/4 (3 x z^2 - x^3).
template <bool kGrad, class T>
MDGPU_HD void sh_polynomials(int lmax, T x, T y, T z, T* Y, T* G) {
  const T s3 = T(1.7320508075688772);       // sqrt(3)
  const T s5 = T(2.23606797749979);         // sqrt(5)
  const T s15 = T(3.872983346207417);       // sqrt(15)
  const T s15_2 = T(1.9364916731037085);    // sqrt(15) / 2
  const T s70_4 = T(2.091650066335189);     // sqrt(70) / 4
  const T s105 = T(10.246950765959598);     // sqrt(105)
  const T s42_4 = T(1.620185174601965);     // sqrt(42) / 4
  const T s7_2 = T(1.3228756555322954);     // sqrt(7) / 2
  const T s105_2 = T(5.123475382979799);    // sqrt(105) / 2

  auto set = [&](int c, T v, T gx, T gy, T gz) {
    Y[c] = v;
    if constexpr (kGrad) {
      G[3 * c + 0] = gx;
      G[3 * c + 1] = gy;
      G[3 * c + 2] = gz;
    }
  };
  const T zero = T(0);

  set(0, T(1), zero, zero, zero);
  if (lmax < 1) return;
  set(1, s3 * x, s3, zero, zero);
  set(2, s3 * y, zero, s3, zero);
  set(3, s3 * z, zero, zero, s3);
  if (lmax < 2) return;
  const T x2 = x * x, y2 = y * y, z2 = z * z;
  set(4, s15 * x * z, s15 * z, zero, s15 * x);
  set(5, s15 * x * y, s15 * y, s15 * x, zero);
  set(6, s5 * (y2 - T(0.5) * (x2 + z2)), -s5 * x, T(2) * s5 * y, -s5 * z);
  set(7, s15 * y * z, zero, s15 * z, s15 * y);
  set(8, s15_2 * (z2 - x2), -T(2) * s15_2 * x, zero, T(2) * s15_2 * z);
  if (lmax < 3) return;
  const T w = T(4) * y2 - x2 - z2;  // shared by sh_3_2 and sh_3_4
  set(9, s70_4 * x * (T(3) * z2 - x2), T(3) * s70_4 * (z2 - x2), zero, T(6) * s70_4 * x * z);
  set(10, s105 * x * y * z, s105 * y * z, s105 * x * z, s105 * x * y);
  set(11, s42_4 * x * w, s42_4 * (w - T(2) * x2), T(8) * s42_4 * x * y, -T(2) * s42_4 * x * z);
  set(12, s7_2 * y * (T(2) * y2 - T(3) * (x2 + z2)), -T(6) * s7_2 * x * y,
      s7_2 * (T(6) * y2 - T(3) * (x2 + z2)), -T(6) * s7_2 * y * z);
  set(13, s42_4 * z * w, -T(2) * s42_4 * x * z, T(8) * s42_4 * y * z, s42_4 * (w - T(2) * z2));
  set(14, s105_2 * y * (z2 - x2), -T(2) * s105_2 * x * y, s105_2 * (z2 - x2), T(2) * s105_2 * y * z);
  set(15, s70_4 * z * (z2 - T(3) * x2), -T(6) * s70_4 * x * z, zero, T(3) * s70_4 * (z2 - x2));
}

}  // namespace sh_detail

// Y_lm(r / |r|) for l = 0..lmax into out[(lmax + 1)^2].
template <class T>
MDGPU_HD void spherical_harmonics(int lmax, T x, T y, T z, T* out) {
  using std::sqrt;
  const T r = std::sqrt(x * x + y * y + z * z);
  const T inv = T(1) / (r > T(sh_detail::kNormalizeEps) ? r : T(sh_detail::kNormalizeEps));
  sh_detail::sh_polynomials<false>(lmax, x * inv, y * inv, z * inv, out, static_cast<T*>(nullptr));
}

// The harmonics (as above) and their gradient with respect to the raw vector r, for forces:
// with u = r / |r|, dY/dr = (I - u u^T) dY/du / |r|. Where e3nn clamps |r| to eps the norm is
// a constant, so the projection is dropped there (autograd of F.normalize does the same).
template <class T>
MDGPU_HD void spherical_harmonics_grad(int lmax, T x, T y, T z, T* out, T* dout_dxyz) {
  using std::sqrt;
  const T r = std::sqrt(x * x + y * y + z * z);
  const bool clamped = !(r > T(sh_detail::kNormalizeEps));
  const T inv = T(1) / (clamped ? T(sh_detail::kNormalizeEps) : r);
  const T u[3] = {x * inv, y * inv, z * inv};
  sh_detail::sh_polynomials<true>(lmax, u[0], u[1], u[2], out, dout_dxyz);
  const int n = (lmax + 1) * (lmax + 1);
  for (int c = 0; c < n; ++c) {
    T* g = dout_dxyz + 3 * c;
    const T radial = clamped ? T(0) : u[0] * g[0] + u[1] * g[1] + u[2] * g[2];
    for (int a = 0; a < 3; ++a) g[a] = (g[a] - u[a] * radial) * inv;
  }
}

}  // namespace mdgpu
