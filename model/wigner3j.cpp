// e3nn 0.5.1 `_so3_clebsch_gordan` (e3nn/o3/_wigner.py): complex SU(2) Clebsch-Gordan
// coefficients (QuTiP's Racah formula, `_su2_clebsch_gordan_coeff`), rotated into the real basis
// with `change_basis_real_to_complex` and normalised to unit Frobenius norm.
#include "model/wigner3j.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>

namespace mdgpu {
namespace {

using cplx = std::complex<double>;

// long double holds n! exactly up to 20! (64-bit mantissa), i.e. l1 + l2 + l3 <= 19 in the
// Racah sum below, so the alternating sum cancels without rounding for every l NequIP uses.
long double factorial(int n) {
  long double f = 1;
  for (int i = 2; i <= n; ++i) f *= i;
  return f;
}

// <j1 m1; j2 m2 | j3 m1+m2> for integer spins (Condon-Shortley phase), term by term as
// `_su2_clebsch_gordan_coeff`.
double su2_clebsch_gordan(int j1, int m1, int j2, int m2, int j3) {
  const int m3 = m1 + m2;
  const long double norm =
      (2 * j3 + 1) * factorial(j3 + j1 - j2) * factorial(j3 - j1 + j2) * factorial(j1 + j2 - j3) *
      factorial(j3 + m3) * factorial(j3 - m3) /
      (factorial(j1 + j2 + j3 + 1) * factorial(j1 - m1) * factorial(j1 + m1) * factorial(j2 - m2) *
       factorial(j2 + m2));
  const int vmin = std::max({-j1 + j2 + m3, -j1 + m1, 0});
  const int vmax = std::min({j2 + j3 + m1, j3 - j1 + j2, j3 + m3});
  long double sum = 0;
  for (int v = vmin; v <= vmax; ++v) {
    const long double term = factorial(j2 + j3 + m1 - v) * factorial(j1 - m1 + v) /
                             (factorial(v) * factorial(j3 - j1 + j2 - v) * factorial(j3 + m3 - v) *
                              factorial(v + j1 - j2 - m3));
    sum += ((v + j2 + m2) % 2 == 0) ? term : -term;
  }
  return static_cast<double>(std::sqrt(norm) * sum);
}

// `change_basis_real_to_complex(l)`: Q[(l + m_complex) * (2l + 1) + real index], i.e. complex
// = Q real. The overall (-i)^l is e3nn's: it multiplies the coupled tensor by
// (-i)^(l1 + l2 - l3), which makes it real for odd l1 + l2 + l3 and sets the sign for even.
std::vector<cplx> real_to_complex(int l) {
  const int d = 2 * l + 1;
  const double h = 1 / std::sqrt(2.0);
  std::vector<cplx> q(d * d);
  for (int m = -l; m < 0; ++m) {
    q[(l + m) * d + (l - m)] = h;
    q[(l + m) * d + (l + m)] = cplx(0, -h);
  }
  q[l * d + l] = 1;
  for (int m = 1; m <= l; ++m) {
    const double sign = (m % 2 == 0) ? 1 : -1;
    q[(l + m) * d + (l + m)] = sign * h;
    q[(l + m) * d + (l - m)] = cplx(0, sign * h);
  }
  cplx phase = 1;
  for (int i = 0; i < l; ++i) phase *= cplx(0, -1);
  for (cplx& v : q) v *= phase;
  return q;
}

}  // namespace

std::vector<double> wigner_3j(int l1, int l2, int l3) {
  if (l1 < 0 || l2 < 0 || l3 < 0 || l3 < std::abs(l1 - l2) || l3 > l1 + l2) {
    throw std::invalid_argument("wigner_3j: (" + std::to_string(l1) + ", " + std::to_string(l2) +
                                ", " + std::to_string(l3) + ") violates the triangle condition");
  }
  const int d1 = 2 * l1 + 1, d2 = 2 * l2 + 1, d3 = 2 * l3 + 1;
  const std::vector<cplx> q1 = real_to_complex(l1), q2 = real_to_complex(l2),
                          q3 = real_to_complex(l3);

  // einsum("ij,kl,mn,ikn->jlm", Q1, Q2, conj(Q3^T), C_su2): real indices (a, b, c) from complex
  // (m1, m2, m1 + m2).
  std::vector<cplx> c(static_cast<size_t>(d1) * d2 * d3);
  for (int m1 = -l1; m1 <= l1; ++m1) {
    for (int m2 = -l2; m2 <= l2; ++m2) {
      const int m3 = m1 + m2;
      if (std::abs(m3) > l3) continue;
      const double cg = su2_clebsch_gordan(l1, m1, l2, m2, l3);
      const cplx* r1 = &q1[(l1 + m1) * d1];
      const cplx* r2 = &q2[(l2 + m2) * d2];
      const cplx* r3 = &q3[(l3 + m3) * d3];
      for (int a = 0; a < d1; ++a) {
        if (r1[a] == 0.0) continue;
        for (int b = 0; b < d2; ++b) {
          if (r2[b] == 0.0) continue;
          for (int k = 0; k < d3; ++k) c[(a * d2 + b) * d3 + k] += cg * r1[a] * r2[b] * std::conj(r3[k]);
        }
      }
    }
  }

  std::vector<double> out(c.size());
  double norm2 = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    out[i] = c[i].real();  // the imaginary parts cancel exactly (up to rounding)
    norm2 += out[i] * out[i];
  }
  const double inv = 1 / std::sqrt(norm2);
  for (double& v : out) v *= inv;
  return out;
}

}  // namespace mdgpu
