// AMBER NetCDF trajectories (ambermd.org/netcdf/nctraj.xhtml) through libnetcdf, as OVITO, VMD,
// ASE and MDAnalysis read them: 64-bit-offset classic format; coordinates (Å), time (ps), step,
// cell_lengths / cell_angles; optionally velocities (Å/ps), forces and per-atom energy (c_epot,
// OVITO's name); species as atomic numbers in atom_types (the name ASE and OVITO look for).
//
// Units are AMBER's, stated by each variable's `units` attribute and with no scale_factor (which
// some readers apply and others, OVITO among them, ignore): velocities in Å/ps, forces in
// kcal/mol/Å (converted from eV/Å), per-atom energies in eV. ASE's reader takes the velocities as
// its own unit and the forces as an unnamed array: docs/input.md says how to convert them.
// The cell is stored as lengths and angles, so atoms and vectors are rotated into the orientation
// readers rebuild it in (a along x, b in the xy plane). Each frame is synced (nc_sync), and the
// file only counts synced frames: a killed run leaves a readable file.
#pragma once

#include <cstddef>

#include "io/output_file.hpp"
#include "io/trajectory.hpp"

namespace mdgpu {

class NetcdfTrajectory final : public OutputFile {
public:
  // Creates the file for `system`'s atoms, unless `resume` (a restart reopens it).
  NetcdfTrajectory(const TrajectorySpec& spec, std::string key, const System& system, bool resume);
  ~NetcdfTrajectory() override;
  NetcdfTrajectory(const NetcdfTrajectory&) = delete;
  NetcdfTrajectory& operator=(const NetcdfTrajectory&) = delete;

  std::int64_t every() const override { return spec_.every; }
  void observe(const Snapshot& snapshot) override;

protected:
  const char* unit() const override { return "frames"; }
  std::int64_t length() const override { return static_cast<std::int64_t>(frames_); }
  std::int64_t length_on_disk() const override;
  void sync() const override;
  void reopen(std::int64_t length) override;

private:
  void check(int status, const char* what) const;  // RuntimeFailure naming the file
  void create(const System& system);
  int var(const char* name) const;  // id of a variable of the open file
  void put(const char* name, const std::vector<std::size_t>& start,
           const std::vector<std::size_t>& count, const double* data);

  TrajectorySpec spec_;
  int ncid_ = -1;
  std::size_t frames_ = 0;
  std::size_t atoms_ = 0;
};

// Keeps the first `frames` frames of a NetCDF file (written anew beside it, then renamed over it:
// the classic format cannot shrink in place). Throws RuntimeFailure when that fails.
void cut_netcdf_frames(const std::filesystem::path& path, std::size_t frames);

}  // namespace mdgpu
