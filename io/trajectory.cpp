#include "io/trajectory.hpp"

#include "engine/errors.hpp"

namespace mdgpu {

ExtxyzTrajectory::ExtxyzTrajectory(const TrajectorySpec& spec)
    : spec_(spec), writer_(spec.path, ExtxyzWriter::Mode::Truncate) {}

void ExtxyzTrajectory::observe(const Snapshot& snapshot) {
  FrameExtras extras;
  extras.step = snapshot.thermo().step;
  extras.time = snapshot.thermo().time;
  extras.energy = snapshot.thermo().potential;
  extras.velocities = spec_.velocities;
  if (spec_.forces) extras.forces = &snapshot.forces();
  writer_.write_frame(snapshot.system(), extras);
}

std::unique_ptr<Observer> make_trajectory(const TrajectorySpec& spec) {
  if (spec.format == "extxyz") return std::make_unique<ExtxyzTrajectory>(spec);
  throw InputError("output.trajectory", "unsupported trajectory format '" + spec.format + "'");
}

}  // namespace mdgpu
