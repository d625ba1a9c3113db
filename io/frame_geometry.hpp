// The geometry trajectory writers put in a frame: positions wrapped into the cell or unwrapped, and
// the orientation that formats storing the cell as lengths + angles (AMBER NetCDF) or as LAMMPS
// tilt factors imply: a along +x, b in the xy plane, c with c_z > 0 ("restricted triclinic").
#pragma once

#include <cstdint>
#include <vector>

#include "io/run_plan.hpp"
#include "core/system.hpp"

namespace mdgpu {

struct FramePositions {
  Vec3Array r;                          // Å
  std::vector<std::int32_t> image[3];   // wrapped: image flags such that r + image·H is unwrapped
};

// Wrapped: each atom folded into [0, 1) fractional along periodic axes. Unwrapped: r + n·H with
// the atoms' image counters n (image left zero).
FramePositions frame_positions(const System& system, Coordinates coordinates);

// The rigid rotation taking the cell to the restricted-triclinic orientation. Cells already in it
// (lower-triangular rows, positive diagonal) and cells without both a and b are left as they are.
class CanonicalFrame {
public:
  // Throws InputError (`where`) when the cell cannot be expressed that way: an open system whose
  // lattice vectors are not along the axes.
  CanonicalFrame(const Box& box, const std::string& where);
  const Mat3& cell() const { return cell_; }  // rows a, b, c in the canonical orientation
  bool rotates() const { return rotates_; }
  void apply(Vec3Array& v) const;             // rotates vectors in place

private:
  Mat3 cell_{};
  Mat3 rotation_{};  // rows: the new x, y, z axes in the old frame
  bool rotates_ = false;
};

// |a|, |b|, |c| (Å) and the angles alpha = (b, c), beta = (a, c), gamma = (a, b) in degrees, the
// AMBER cell description. Axes that are not periodic get length 0 (the AMBER convention for
// "no periodicity"), and angles with a missing lattice vector are 90.
void cell_lengths_angles(const Box& box, double lengths[3], double angles[3]);

}  // namespace mdgpu
