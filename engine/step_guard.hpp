// The instability guard: after every step, a backend reduction (no download of the atoms) looks
// for NaN/Inf in positions, velocities, forces and the energy, a force above the bound and an atom
// that moved further than allowed, and stops the run naming the step, the atom and the quantity.
// It runs before the step's observers, so the bad state reaches no frame and no checkpoint.
// The energy is looked at on every step that computed it (ForceResult::tallied): every step that
// has output, and every step of a potential whose energy comes with its forces (NequIP). Pair
// potentials skip it on the other steps, where the forces stand for it: a pair energy is
// non-finite only at r² = 0 or when its steep term overflows, and that term, times 12/r² (LJ) or
// 2α/r (Morse), is a part of (dE/dr)/r too, so the force check fires (for the close encounters the
// guard is for; coefficients near 1e300 eV could overflow an energy alone).
#pragma once

#include <string>

#include "engine/atoms.hpp"
#include "engine/forces.hpp"
#include "engine/md_plan.hpp"

namespace mdgpu {

class StepGuard {
public:
  StepGuard(Backend& backend, const GuardSpec& spec);
  void begin_step(const AtomsView& atoms);  // remembers the positions and image counters
  // Throws RuntimeFailure when the step just taken (`step`, ending at `time` ps in `stage`) is
  // unstable. `system` names the atoms' species.
  void check(const AtomsView& atoms, const Box& box, const ForceComputer& forces,
             const System& system, std::int64_t step, const std::string& stage, double time);

private:
  Backend& backend_;
  GuardSpec spec_;
  Buffer<double> before_x_, before_y_, before_z_;
  Buffer<std::int32_t> before_imx_, before_imy_, before_imz_;
};

}  // namespace mdgpu
