// Reading LAMMPS "dump custom" / "dump atom" text trajectories, plain or gzip-compressed: mdgpu's
// own (io/lammps_dump.hpp) and other engines'. Per frame: ITEM: TIMESTEP, optional ITEM: TIME and
// ITEM: UNITS (metal only), NUMBER OF ATOMS, BOX BOUNDS (orthogonal or triclinic with tilts),
// ATOMS with named columns. Positions: x y z (with image flags ix iy iz when present), unwrapped
// xu yu zu, or scaled xs ys zs / xsu ysu zsu; atoms ordered by `id`. Species: the `element`
// column, else `type` through TrajectoryOptions::type_species. Also vx vy vz (Å/ps), fx fy fz
// (eV/Å) and a per-atom energy (c_epot, c_pe).
#pragma once

#include <memory>

#include "io/trajectory_reader.hpp"

namespace mdgpu {

namespace text {
class LineReader;
}

class LammpsDumpReader final : public TrajectoryReader {
public:
  LammpsDumpReader(const std::filesystem::path& path, const TrajectoryOptions& options);
  ~LammpsDumpReader() override;
  bool next(Frame& frame) override;
  std::int64_t count_frames() override;
  const char* format() const override { return "lammps-dump"; }

private:
  std::filesystem::path path_;
  TrajectoryOptions options_;
  std::unique_ptr<text::LineReader> in_;
};

}  // namespace mdgpu
