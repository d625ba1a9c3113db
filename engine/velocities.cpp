#include "engine/velocities.hpp"

#include <cmath>

#include "core/units.hpp"
#include "kernels/philox.hpp"

namespace mdgpu {
namespace {
constexpr std::uint32_t kVelocityStream = 1;  // Philox stream reserved for initial velocities
}

void zero_momentum(System& s) {
  double p[3] = {0, 0, 0}, mtot = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const double m = s.mass(i);
    p[0] += m * s.velocities.x[i];
    p[1] += m * s.velocities.y[i];
    p[2] += m * s.velocities.z[i];
    mtot += m;
  }
  if (mtot <= 0) return;
  for (std::size_t i = 0; i < s.size(); ++i) {
    s.velocities.x[i] -= p[0] / mtot;
    s.velocities.y[i] -= p[1] / mtot;
    s.velocities.z[i] -= p[2] / mtot;
  }
}

double kinetic_temperature(const System& s, int dof) {
  double mv2 = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    mv2 += s.mass(i) * (s.velocities.x[i] * s.velocities.x[i] + s.velocities.y[i] * s.velocities.y[i] +
                        s.velocities.z[i] * s.velocities.z[i]);
  return dof > 0 ? mv2 * units::kMvv2e / (dof * units::kBoltzmann) : 0.0;
}

void maxwell_boltzmann(System& s, double temperature, std::uint64_t seed, int dof) {
  const std::size_t n = s.size();
  s.velocities.resize(n);
  s.has_velocities = true;
  if (temperature <= 0.0 || n == 0) return;
  for (std::size_t i = 0; i < n; ++i) {
    double r[4];
    philox_normal4(seed, kVelocityStream, static_cast<std::uint32_t>(i), 0, r);
    const double sigma = std::sqrt(units::kBoltzmann * temperature * units::kFtm2v / s.mass(i));
    s.velocities.x[i] = sigma * r[0];
    s.velocities.y[i] = sigma * r[1];
    s.velocities.z[i] = sigma * r[2];
  }
  if (n > 1) zero_momentum(s);
  const double t = kinetic_temperature(s, dof);
  const double f = t > 0 ? std::sqrt(temperature / t) : 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    s.velocities.x[i] *= f;
    s.velocities.y[i] *= f;
    s.velocities.z[i] *= f;
  }
}

}  // namespace mdgpu
