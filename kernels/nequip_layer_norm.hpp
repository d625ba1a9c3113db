// RMS layer norm of one atom's features, balanced over degrees (Nequix's RMSLayerNorm without
// centring): s = sum over blocks b of coef_b * sum_{u,m} x[b,u,m]^2, y = x * w[b,u] / sqrt(s + eps).
// coef_b = 1 / (dim_b^2 * blocks): Nequix weights each block by 1 / (dim * blocks), sums over the
// multiplicity and averages over the 2l+1 components. Sums in float64.
#pragma once

#include <cmath>

#include "core/hd.hpp"

namespace mdgpu::nequip {

struct NormBlock {
  int offset, mul, dim, weight_offset;
  double coef;
};

template <class T>
MDGPU_HD double norm_inverse_rms(const NormBlock* b, int nb, double eps, const T* x) {
  double s = 0.0;
  for (int k = 0; k < nb; ++k) {
    double block = 0.0;
    for (int i = 0; i < b[k].mul * b[k].dim; ++i) {
      const double v = x[b[k].offset + i];
      block += v * v;
    }
    s += b[k].coef * block;
  }
  return 1.0 / std::sqrt(s + eps);
}

template <class T>
MDGPU_HD void norm_forward(const NormBlock* b, int nb, const double* w, double eps, const T* x, T* y) {
  const double f = norm_inverse_rms(b, nb, eps, x);
  for (int k = 0; k < nb; ++k)
    for (int u = 0; u < b[k].mul; ++u)
      for (int m = 0; m < b[k].dim; ++m) {
        const int i = b[k].offset + u * b[k].dim + m;
        y[i] = T(x[i] * w[b[k].weight_offset + u] * f);
      }
}

// gx_i += f w_i g_i - f^3 coef_i x_i sum_j g_j w_j x_j.
template <class T>
MDGPU_HD void norm_backward(const NormBlock* b, int nb, const double* w, double eps, const T* x, const T* g, T* gx) {
  const double f = norm_inverse_rms(b, nb, eps, x);
  double gwx = 0.0;
  for (int k = 0; k < nb; ++k)
    for (int u = 0; u < b[k].mul; ++u)
      for (int m = 0; m < b[k].dim; ++m) {
        const int i = b[k].offset + u * b[k].dim + m;
        gwx += double(g[i]) * w[b[k].weight_offset + u] * double(x[i]);
      }
  const double f3 = f * f * f;
  for (int k = 0; k < nb; ++k)
    for (int u = 0; u < b[k].mul; ++u)
      for (int m = 0; m < b[k].dim; ++m) {
        const int i = b[k].offset + u * b[k].dim + m;
        gx[i] += T(f * w[b[k].weight_offset + u] * double(g[i]) - f3 * b[k].coef * double(x[i]) * gwx);
      }
}

}  // namespace mdgpu::nequip
