#include "io/trajectory.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"
#include "io/extxyz.hpp"
#include "io/lammps_dump.hpp"
#include "io/netcdf_trajectory.hpp"

namespace mdgpu {

TrajectoryFrame gather_frame(const Snapshot& snapshot, const TrajectorySpec& spec,
                             const CanonicalFrame* frame) {
  const System& system = snapshot.system();
  TrajectoryFrame out;
  out.positions = frame_positions(system, spec.coordinates);
  if (spec.velocities) out.velocities = system.velocities;
  if (spec.forces) out.forces = snapshot.forces();
  if (spec.energies) out.energies = snapshot.per_atom_energy();
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
  file().write(extxyz_frame(snapshot.system(), extras));
}

std::unique_ptr<OutputFile> make_trajectory(const TrajectorySpec& spec, std::size_t index,
                                            const System& system, bool resume) {
  std::string key = fmt::format("output.trajectory[{}]", index);
  if (spec.format == "extxyz") return std::make_unique<ExtxyzTrajectory>(spec, key, resume);
  if (spec.format == "lammps-dump")
    return std::make_unique<LammpsDumpTrajectory>(spec, key, resume);
  if (spec.format == "netcdf")
    return std::make_unique<NetcdfTrajectory>(spec, key, system, resume);
  throw InputError(key, "unsupported trajectory format '" + spec.format + "'");
}

}  // namespace mdgpu
