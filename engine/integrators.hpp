// Time integrators. Each takes one step of the stage's time step, leaving current forces in the
// atoms, and reports the extra energy its thermostat holds (for the conserved quantity).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/atoms.hpp"
#include "engine/forces.hpp"
#include "engine/md_plan.hpp"

namespace mdgpu {

struct StepContext {
  Backend& backend;
  Atoms& atoms;
  ForceComputer& forces;
  Box& box;                 // the current cell; a barostat changes it
  int dof;                  // degrees of freedom for the kinetic temperature
  double target;            // K, the thermostat's target for this step
  std::uint64_t step;       // global step index being taken (0-based), for RNG counters
  // Whether anything reads this step's energy or virial (thermo, frames, progress, the last
  // step); if not, integrators that need neither ask for the forces alone.
  bool tally = true;
  double fraction = 0.0;    // of the stage done at the end of this step (ramps' position)
};

class Integrator {
public:
  virtual ~Integrator() = default;
  virtual void step(StepContext& ctx) = 0;
  // Energy stored in or exchanged with the thermostat (eV): conserved = KE + PE + this.
  virtual double thermostat_energy() const { return 0.0; }
  // The thermostat's own variables, for checkpoints: Nosé–Hoover chain positions and velocities,
  // Langevin's exchanged heat; none for velocity Verlet. set_state returns false (and changes
  // nothing) when `state` does not fit this integrator.
  virtual std::vector<double> state() const { return {}; }
  virtual bool set_state(const std::vector<double>& state) { return state.empty(); }
  // Whether a step reads no device result on the host and keeps its own state (if any) in the
  // backend's memory, so that steps may run ahead of the host's reads and be redone from a copy
  // of the atoms and of that state (Simulation's deferred steps, mark/rewind): velocity Verlet,
  // the Nosé–Hoover and Langevin thermostats. Not the barostats (a cell that changes) or the
  // minimisers.
  virtual bool device_only() const { return false; }
  // A copy of the integrator's own state to redo deferred steps from, taken and put back with
  // the atoms' (engine/step_mark.hpp).
  virtual void mark() {}
  virtual void rewind() {}
  // Whether a deferred step issues the same device work with the same arguments at every step of
  // its stage, so that it may be recorded once and replayed (engine/step_replay.hpp): velocity
  // Verlet, and Nosé–Hoover at a constant target. Not Langevin (its random numbers are keyed by
  // the step) or a temperature ramp (a target per step).
  virtual bool same_work_every_step() const { return false; }
  // A minimiser that has met its tolerances ends its stage early.
  virtual bool converged() const { return false; }
  // What the progress line adds for this integrator (a minimiser's largest force).
  virtual std::string progress() const { return {}; }
};

// Builds the integrator a stage asks for.
std::unique_ptr<Integrator> make_integrator(const StageSpec& stage);

// Degrees of freedom of the stage: 3N, less 3 when its kind conserves total momentum (every kind
// but Langevin).
int degrees_of_freedom(const StageSpec& stage, int natoms);

// Kinetic energy (eV) from the backend's kinetic tensor.
double kinetic_energy(Backend& backend, const AtomsView& atoms);

// Pressure tensor (bar; xx yy zz xy xz yz) of kinetic tensor `kinetic` (eV, the backend's order)
// and virial `virial` (eV, symmetrised) in a cell of `volume` Å³.
std::array<double, 6> pressure_tensor(const std::array<double, 6>& kinetic, const Mat3& virial,
                                      double volume);

}  // namespace mdgpu
