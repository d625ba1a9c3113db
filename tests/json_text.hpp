// JSON text of what mdgpu held, for the checks in tests/python that read our files with other
// people's code. fmt's "{}" writes the shortest decimals that read back as the same doubles.
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/system.hpp"

namespace mdgpu::testing {

inline std::string json_vectors(const Vec3Array& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i)
    out += fmt::format("{}[{}, {}, {}]", i ? ", " : "", v.x[i], v.y[i], v.z[i]);
  return out + "]";
}

inline std::string json_symbols(const System& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i)
    out += fmt::format("{}\"{}\"", i ? ", " : "", s.species[s.type[i]]);
  return out + "]";
}

inline std::string json_cell(const Box& box) {
  const Mat3& h = box.cell();
  return fmt::format("[[{}, {}, {}], [{}, {}, {}], [{}, {}, {}]]", h[0][0], h[0][1], h[0][2],
                     h[1][0], h[1][1], h[1][2], h[2][0], h[2][1], h[2][2]);
}

}  // namespace mdgpu::testing
