#include "io/trajectory.hpp"

#include <fmt/format.h>

#include "io/extxyz.hpp"

namespace mdgpu {

TrajectoryFrame gather_frame(const Snapshot& snapshot, const TrajectorySpec& spec,
                             const CanonicalFrame* frame) {
  const System& system = snapshot.system();
  TrajectoryFrame out;
  out.positions = frame_positions(system, spec.coordinates);
  if (spec.velocities) out.velocities = system.velocities;
  if (spec.forces) out.forces = snapshot.forces();
  if (spec.energies) out.energies = snapshot.per_atom_energy();
  if (spec.force_dev) out.force_dev = snapshot.force_deviation();
  if (frame)
    for (Vec3Array* v : {&out.positions.r, &out.velocities, &out.forces}) frame->apply(*v);
  return out;
}

ExtxyzTrajectory::ExtxyzTrajectory(const TrajectorySpec& spec, std::string key, bool resume)
    : TextOutput(std::move(key), spec.path, resume), spec_(spec) {}

void ExtxyzTrajectory::observe(const Snapshot& snapshot) {
  const TrajectoryFrame frame = gather_frame(snapshot, spec_, nullptr);
  FrameExtras extras;
  extras.positions = &frame.positions.r;
  extras.step = snapshot.thermo().step;
  extras.time = snapshot.thermo().time;
  extras.energy = snapshot.thermo().potential;
  extras.velocities = spec_.velocities;
  if (spec_.forces) extras.forces = &frame.forces;
  if (spec_.energies) extras.atom_energies = &frame.energies;
  if (spec_.force_dev) extras.columns.push_back({"force_dev", 1, &frame.force_dev});  // as mdgpu eval writes it
  file().write(extxyz_frame(snapshot.system(), extras));
}

}  // namespace mdgpu
