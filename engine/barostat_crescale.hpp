// NPT with stochastic cell rescaling (Bernetti & Bussi, J. Chem. Phys. 153, 114107 (2020);
// per-axis: Del Tatto, Raiteri, Bernetti & Bussi, Appl. Sci. 12, 1139 (2022)): the logarithm of
// the volume (iso) or of each barostatted axis' length (aniso) takes a first-order stochastic
// step towards the target pressure, positions and the cell are scaled with it and velocities
// inversely; the stage's Nosé–Hoover chain thermostats the atoms. The barostat has no inertia,
// so the volume relaxes without ringing: a robust way to equilibrate melts and quenched glasses
// that start far from their density. docs/npt.md states the equations and their validation.
#pragma once

#include <memory>

#include "engine/integrators.hpp"

namespace mdgpu {

// `stage.barostat.kind` is CRescale, its coupling iso or aniso.
std::unique_ptr<Integrator> make_crescale_npt(const NptStage& stage, double dt);

}  // namespace mdgpu
