// Full neighbor list (cut-off + skin) in receiver-sorted CSR form, kept in the backend's memory
// and rebuilt when some atom has moved more than skin/2 since the last build.
#pragma once

#include <cstdint>

#include "engine/box.hpp"
#include "kernels/backend.hpp"

namespace mdgpu {

class NeighborList {
public:
  NeighborList(Backend& backend, double cutoff, double skin);

  // Rebuilds if needed (or if `force`); returns whether it did. A rebuild first wraps the atoms
  // into the cell (updating their image counters), so positions stay bounded.
  bool update(AtomsView atoms, const Box& box, bool force = false);

  NeighborView view() const;
  double cutoff() const { return cutoff_; }
  double skin() const { return skin_; }
  std::int64_t num_pairs() const { return total_; }
  std::int64_t builds() const { return builds_; }
  const BinGrid& grid() const { return grid_; }

private:
  void build(AtomsView atoms, const Box& box);
  BinGrid make_grid(AtomsView atoms, const Box& box) const;

  Backend& backend_;
  double cutoff_, skin_;
  Buffer<std::int64_t> offsets_;
  Buffer<int> index_;
  Buffer<std::int32_t> image_;
  Buffer<double> ref_x_, ref_y_, ref_z_;  // positions at the last build
  NeighborScratch scratch_;
  BinGrid grid_{};
  std::int64_t total_ = 0;
  std::int64_t builds_ = 0;
  int n_ = -1;
};

}  // namespace mdgpu
