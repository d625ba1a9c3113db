// Initial velocities.
#pragma once

#include <cstdint>

#include "core/system.hpp"

namespace mdgpu {

// Maxwell–Boltzmann velocities at `temperature` (K) from a seeded counter-based generator, with
// zero total momentum, scaled so the kinetic temperature over `dof` degrees of freedom is exact.
void maxwell_boltzmann(System& system, double temperature, std::uint64_t seed, int dof);

// Removes the centre-of-mass velocity.
void zero_momentum(System& system);

// Kinetic temperature (K) of the system's velocities over `dof` degrees of freedom.
double kinetic_temperature(const System& system, int dof);

}  // namespace mdgpu
