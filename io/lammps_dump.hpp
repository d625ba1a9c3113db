// LAMMPS "dump custom" text trajectories, as OVITO, VMD, ASE and MDAnalysis read them:
//   ITEM: ATOMS id type element x y z ix iy iz [vx vy vz] [fx fy fz] [c_epot] [c_force_dev]
// (xu yu zu instead of x y z ix iy iz for unwrapped coordinates). Types number the species from
// 1 in the order of the structure file; c_epot is the per-atom energy (OVITO's name for it).
// The cell is written in LAMMPS's restricted-triclinic orientation, atoms and vectors rotated
// with it, with the triclinic bounding-box header of the LAMMPS manual (Howto_triclinic).
#pragma once

#include <string>

#include "io/output_file.hpp"
#include "io/trajectory.hpp"

namespace mdgpu {

// One frame of text. Throws InputError (`where`) for a cell the format cannot express.
std::string lammps_dump_frame(const System& system, std::int64_t step, const TrajectorySpec& spec,
                              const TrajectoryFrame& frame, const CanonicalFrame& canonical);

class LammpsDumpTrajectory final : public TextOutput {
public:
  LammpsDumpTrajectory(const TrajectorySpec& spec, std::string key, bool resume);
  std::int64_t every() const override { return spec_.every; }
  void observe(const Snapshot& snapshot) override;

private:
  TrajectorySpec spec_;
};

}  // namespace mdgpu
