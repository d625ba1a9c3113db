// Energy minimisation as a stage: FIRE or L-BFGS (engine/minimize_descent.hpp) on the atoms'
// positions and, on request, on the cell's strain (the generalised coordinates of ASE's
// UnitCellFilter: strain × N, force = V (P − P_target) / N), each iteration one "step" of the
// stage. It moves neither the atoms' velocities nor the clock, so a
// stage after it starts from the relaxed positions with the velocities it had.
#pragma once

#include <memory>

#include "engine/integrators.hpp"

namespace mdgpu {

std::unique_ptr<Integrator> make_minimizer(const MinimizeStage& stage);

}  // namespace mdgpu
