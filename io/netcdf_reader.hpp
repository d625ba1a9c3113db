// Reading AMBER NetCDF trajectories (ambermd.org/netcdf/nctraj.xhtml) through libnetcdf: mdgpu's
// own (io/netcdf_trajectory.hpp), ASE's and LAMMPS's. Species from `atom_types` (atomic numbers),
// the cell from cell_lengths / cell_angles (a along x, b in the xy plane; a zero length is an open
// axis), coordinates in Å (unwrapped when the mdgpu_coordinates attribute says so), velocities in
// Å/ps, forces converted to eV/Å from the unit their `units` attribute names, every variable
// multiplied by its scale_factor, time in ps. A gzip-compressed file is decompressed into memory.
#pragma once

#include <string>
#include <vector>

#include "io/trajectory_reader.hpp"

namespace mdgpu {

class NetcdfReader final : public TrajectoryReader {
public:
  NetcdfReader(const std::filesystem::path& path, bool gzipped);
  ~NetcdfReader() override;
  NetcdfReader(const NetcdfReader&) = delete;
  NetcdfReader& operator=(const NetcdfReader&) = delete;

  bool next(Frame& frame) override;
  std::int64_t count_frames() override { return static_cast<std::int64_t>(frames_); }
  const char* format() const override { return "netcdf"; }

private:
  bool has(const char* variable) const;
  // Frame `frame` of a per-frame variable, times its scale_factor; `count` values.
  std::vector<double> read(const char* variable, std::size_t frame, std::size_t count) const;
  double scale(const char* variable) const;  // to mdgpu's unit, from the `units` attribute

  std::filesystem::path path_;
  std::string memory_;  // the decompressed file, when it was gzip-compressed
  int ncid_ = -1;
  std::size_t frames_ = 0, atoms_ = 0, next_ = 0;
  std::vector<std::string> species_;  // per atom
  bool unwrapped_ = false;
};

}  // namespace mdgpu
