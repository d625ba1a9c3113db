// Trajectory output as observers, one per [[output.trajectory]] block: extended XYZ, AMBER
// NetCDF (io/netcdf_trajectory.hpp) and LAMMPS dump (io/lammps_dump.hpp).
#pragma once

#include <memory>

#include "io/run_plan.hpp"
#include "io/frame_geometry.hpp"
#include "io/output_file.hpp"

namespace mdgpu {

// The per-atom data of one frame as a format stores it: positions wrapped or unwrapped, and with
// `frame` every vector rotated into its canonical orientation. Velocities, forces, energies and
// the committee force deviation are filled only when the spec asks for them.
struct TrajectoryFrame {
  FramePositions positions;
  Vec3Array velocities, forces;
  std::vector<double> energies, force_dev;
};
TrajectoryFrame gather_frame(const Snapshot& snapshot, const TrajectorySpec& spec,
                             const CanonicalFrame* frame);

class ExtxyzTrajectory final : public TextOutput {
public:
  ExtxyzTrajectory(const TrajectorySpec& spec, std::string key, bool resume);
  std::int64_t every() const override { return spec_.every; }
  void observe(const Snapshot& snapshot) override;

private:
  TrajectorySpec spec_;
};

}  // namespace mdgpu
