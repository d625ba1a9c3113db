// Slabs along c: the regions between planes parallel to the ab plane at consecutive edges, given
// as heights above the ab plane through the origin (Å) or as fractional c coordinates. An atom
// lies in the slab that holds its c coordinate wrapped into the cell, or in none.
#pragma once

#include <string>
#include <vector>

#include "io/analysis_specs.hpp"
#include "core/box.hpp"

namespace mdgpu {

class Slabs {
public:
  // InputError at `where` for fewer than two edges, edges that do not increase, or edges outside
  // the cell (0 to its height along c, or 0 to 1).
  Slabs(const SlabSpec& spec, const Box& box, const std::string& where);

  int count() const { return static_cast<int>(edges_.size()) - 1; }
  // The slab holding Cartesian position r in a cell `box`, -1 for none.
  int of(const BoxData& box, const double r[3]) const;
  double lower(int k) const { return edges_[k]; }  // fractional
  double upper(int k) const { return edges_[k + 1]; }

private:
  std::vector<double> edges_;  // fractional c
};

// Wrapped fractional c coordinate of r (wrapped only when c is periodic).
double fractional_c(const BoxData& box, const double r[3]);

}  // namespace mdgpu
