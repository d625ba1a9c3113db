// Reading trajectories (for `mdgpu analyze`): every format mdgpu writes — extended XYZ, AMBER
// NetCDF, LAMMPS dump — and LAMMPS dumps of other engines (wrapped with image flags, or
// unwrapped), each plain or gzip-compressed. One reader per format (io/extxyz.cpp,
// io/netcdf_reader.cpp, io/lammps_dump_reader.cpp) behind one interface; the format is told by the
// file's first bytes, not its name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/frame.hpp"

namespace mdgpu {

// What the formats readable here are, for messages.
inline constexpr const char* kReadableTrajectories =
    "extended XYZ, AMBER NetCDF (.nc) and LAMMPS dump text (dump custom / atom), each plain or "
    "gzip-compressed (.gz)";

struct TrajectoryOptions {
  // Species of LAMMPS atom types 1, 2, ... for dumps without an `element` column.
  std::vector<std::string> type_species;
};

class TrajectoryReader {
public:
  virtual ~TrajectoryReader() = default;
  // The next frame, in Å, ps and eV: positions as stored (unwrapped or not: Frame::unwrapped),
  // velocities in the system, and in `arrays` what else the file has per atom: "image" (3
  // columns), "forces" (eV/Å), "energies" (eV), from NetCDF "force_dev" (a committee's, eV/Å);
  // info "time" (ps) and "step" when the file has them. False after the last frame; InputError naming file and frame for malformed data.
  virtual bool next(Frame& frame) = 0;
  // How many frames the file holds (may read the file once more).
  virtual std::int64_t count_frames() = 0;
  virtual const char* format() const = 0;  // "extxyz", "netcdf", "lammps-dump"
};

// The reader for `path`; InputError naming the file, and the formats read, when it is none of
// them.
std::unique_ptr<TrajectoryReader> open_trajectory(const std::filesystem::path& path,
                                                  const TrajectoryOptions& options = {});

// The file's first bytes, gzip-decompressed when compressed (at most `bytes`).
std::string leading_bytes(const std::filesystem::path& path, std::size_t bytes, bool* gzipped);

}  // namespace mdgpu
