// The simulation cell: general triclinic, rows are the lattice vectors a, b, c, per-axis periodicity.
#pragma once

#include <array>
#include <string>

#include "core/box_data.hpp"

namespace mdgpu {

using Vec3 = std::array<double, 3>;
using Mat3 = std::array<Vec3, 3>;

Vec3 cross(const Vec3& u, const Vec3& v);
double dot(const Vec3& u, const Vec3& v);
double norm(const Vec3& u);
double det(const Mat3& m);  // of the rows: a · (b × c)

class Box {
public:
  Box();  // a non-periodic box with no cell (a cluster)
  // Throws InputError (with `where` as context) for a periodic axis of zero length, a
  // zero-volume or left-handed cell.
  Box(const Mat3& rows, const std::array<bool, 3>& periodic, const std::string& where = "");

  const Mat3& cell() const { return cell_; }  // as given (zero rows allowed on open axes)
  const std::array<bool, 3>& periodic() const { return periodic_; }
  bool any_periodic() const { return periodic_[0] || periodic_[1] || periodic_[2]; }
  bool has_volume() const { return has_volume_; }  // all three rows given and independent
  double volume() const;                           // throws if !has_volume()
  // Distance between the two faces of the cell normal to axis k (of the frame for open axes).
  double perpendicular_width(int k) const;
  // Kernel view. Open axes without a lattice vector get unit stand-ins orthogonal to the rest,
  // so fractional coordinates are always defined.
  const BoxData& data() const { return data_; }

private:
  Mat3 cell_{};
  std::array<bool, 3> periodic_{false, false, false};
  bool has_volume_ = false;
  BoxData data_{};
};

}  // namespace mdgpu
