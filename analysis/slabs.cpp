#include "analysis/slabs.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/errors.hpp"

namespace mdgpu {

double fractional_c(const BoxData& box, const double r[3]) {
  double s[3];
  box_to_frac(box, r, s);
  return box.periodic[2] ? s[2] - std::floor(s[2]) : s[2];
}

Slabs::Slabs(const SlabSpec& spec, const Box& box, const std::string& where) {
  if (spec.edges.size() < 2)
    throw InputError(where, "give at least two slab edges (one slab lies between two edges)");
  const double height = box.perpendicular_width(2);
  const double top = spec.fractional ? 1.0 : height;
  for (std::size_t k = 0; k < spec.edges.size(); ++k) {
    const double e = spec.edges[k];
    if (e < 0.0 || e > top)
      throw InputError(where, spec.fractional
                                  ? fmt::format("slab edge {} is outside the cell (0 to 1)", e)
                                  : fmt::format("slab edge {} Å is outside the cell (0 to its "
                                                "height along c, {:.6g} Å)",
                                                e, height));
    if (k > 0 && !(e > spec.edges[k - 1]))
      throw InputError(where,
                       fmt::format("slab edges must increase: {}", fmt::join(spec.edges, ", ")));
    edges_.push_back(spec.fractional ? e : e / height);
  }
}

int Slabs::of(const BoxData& box, const double r[3]) const {
  const double s = fractional_c(box, r);
  const auto above = std::upper_bound(edges_.begin(), edges_.end(), s);
  if (above == edges_.begin() || above == edges_.end()) return -1;
  return static_cast<int>(above - edges_.begin()) - 1;
}

}  // namespace mdgpu
