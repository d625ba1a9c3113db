// The vibrational density of states from a velocity autocorrelation C(t) sampled every dt up to
// the max lag τ: the Fourier (cosine) transform of C(t) w(t) with the half Hann window
// w(t) = cos²(π t / (2 τ)), which takes C smoothly to zero at τ (resolution about 1/τ, no
// truncation ripples), normalised so that ∫ g(ν) dν = 1 over 0 to the Nyquist frequency 1/(2 dt):
//
//     g(ν) = 4 ∫_0^τ w(t) C(t) cos(2π ν t) dt / C(0)      (trapezoid rule on the samples)
//
// evaluated directly at ν_k = k / (4 τ), k = 0 ... 2 τ/dt (twice the natural grid's density).
// Frequencies in THz (1/ps) and cm⁻¹ (1 THz = 33.35641 cm⁻¹).
#pragma once

#include <vector>

namespace mdgpu {

inline constexpr double kWavenumberPerTHz = 1e12 / 2.99792458e10;  // cm⁻¹ per THz (exact c)

struct Spectrum {
  std::vector<double> frequency;  // THz
  std::vector<double> density;    // 1/THz
};

// `vacf[k]` = C(k dt) for k = 0 ... max lag; C(0) > 0.
Spectrum vibrational_dos(const std::vector<double>& vacf, double dt);

// ∫ ν^p g(ν) dν over the spectrum (trapezoid rule): p = 0 the norm, 1 the mean frequency, ...
double spectral_moment(const Spectrum& s, int p);

}  // namespace mdgpu
