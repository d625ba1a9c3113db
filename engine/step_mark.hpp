// Where deferred MD steps (engine/simulation.hpp) can be redone from: a copy in device memory of
// what a step changes — positions, velocities, forces, image counters, the neighbor list
// (NeighborList::mark) and the integrator's own state (a thermostat's, Integrator::mark) — with
// the step it was taken at. Taken whenever the host has read the guard's verdicts and the list's
// flags and found the steps sound; a later read that finds them void (the list overflowed on the
// device) puts it back. Only integrators whose state lives in the backend's memory run deferred
// (Integrator::device_only).
#pragma once

#include <cstdint>

#include "engine/integrators.hpp"
#include "engine/neighbor_list.hpp"

namespace mdgpu {

class StepMark {
public:
  explicit StepMark(Space space);
  void take(const AtomsView& atoms, NeighborList& list, Integrator& integrator, std::int64_t step,
            std::int64_t stage_step);
  void put_back(const AtomsView& atoms, NeighborList& list, Integrator& integrator);
  std::int64_t step() const { return step_; }
  std::int64_t stage_step() const { return stage_step_; }

private:
  template <class F>
  void each_copy(const AtomsView& atoms, F&& f);

  Buffer<double> x_, y_, z_, vx_, vy_, vz_, fx_, fy_, fz_;
  Buffer<std::int32_t> imx_, imy_, imz_;
  std::int64_t step_ = -1, stage_step_ = -1;
};

}  // namespace mdgpu
