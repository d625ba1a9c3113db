// A neighbor list's entries as (i, j, image shift), copied to the host: shifts relative to the
// positions the atoms hold now.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/atoms.hpp"
#include "engine/neighbor_list.hpp"
#include "tests/brute_force_pairs.hpp"

namespace mdgpu::testing {

inline std::vector<Pair> listed_pairs_as_held(const Atoms& atoms, const NeighborList& list) {
  const NeighborView v = list.view();
  std::vector<std::int64_t> off(v.n + 1);
  space_copy(Space::Host, off.data(), atoms.space(), v.offsets, off.size() * sizeof(std::int64_t));
  std::vector<int> idx(off.back());
  std::vector<std::int32_t> img(off.back());
  space_copy(Space::Host, idx.data(), atoms.space(), v.index, idx.size() * sizeof(int));
  space_copy(Space::Host, img.data(), atoms.space(), v.image, img.size() * sizeof(std::int32_t));
  std::vector<Pair> out;
  for (int i = 0; i < v.n; ++i)
    for (std::int64_t p = off[i]; p < off[i + 1]; ++p) {
      int n[3];
      unpack_image(img[p], n[0], n[1], n[2]);
      out.emplace_back(i, idx[p], n[0], n[1], n[2]);
    }
  return out;
}

}  // namespace mdgpu::testing
