// Neighbor list (cut-off + skin) in receiver-sorted CSR form, full or half (kernels/views.hpp),
// kept in the backend's memory and rebuilt when some atom has moved more than skin/2 since the
// last build — less when the cell has changed since then (see allowed_displacement), so that a
// cell that changes (a barostat, Simulation::set_box) is followed without a rebuild at every
// change.
#pragma once

#include <cstdint>
#include <functional>

#include "core/box.hpp"
#include "core/system.hpp"
#include "kernels/backend.hpp"

namespace mdgpu {

class NeighborList {
public:
  NeighborList(Backend& backend, double cutoff, double skin, bool half = false);

  // Rebuilds if needed (or if `force`); returns whether it did. `box` is the current cell. A
  // rebuild first wraps the atoms into the cell (updating their image counters), so positions
  // stay bounded.
  bool update(AtomsView atoms, const Box& box, bool force = false);
  // Called before each rebuild (the step guard reads its pending verdicts there).
  void set_before_rebuild(std::function<void()> hook) { before_rebuild_ = std::move(hook); }

  // The list as the build that `reference` (the wrapped positions it was built from, see
  // reference()) in cell `built_box` produced: same pairs, same order, same later rebuild
  // decisions, as a checkpoint restart needs for a bitwise continuation. The atoms keep their
  // current positions.
  void restore(AtomsView atoms, const Box& built_box, const Vec3Array& reference,
               std::int64_t builds);
  Vec3Array reference() const;  // positions at the last build, copied to the host
  const Box& built_box() const { return built_box_; }  // the cell at the last build

  NeighborView view() const;
  double cutoff() const { return cutoff_; }
  double skin() const { return skin_; }
  std::int64_t num_pairs() const { return total_; }
  std::int64_t builds() const { return builds_; }
  const BinGrid& grid() const { return grid_; }

private:
  void build(AtomsView atoms, const Box& box);
  void index(AtomsView atoms, const Box& box);  // the list from the atoms' positions as they are
  BinGrid make_grid(AtomsView atoms, const Box& box) const;
  double allowed_displacement(const Box& box) const;

  Backend& backend_;
  double cutoff_, skin_;
  bool half_;
  Buffer<std::int64_t> offsets_;
  Buffer<int> index_;
  Buffer<std::int32_t> image_;
  Buffer<double> ref_x_, ref_y_, ref_z_;  // positions at the last build
  NeighborScratch scratch_;
  BinGrid grid_{};
  Box built_box_;
  double ref_lo_[3] = {}, ref_hi_[3] = {};  // fractional bounds of the positions at the last build
  std::int64_t total_ = 0;
  std::int64_t builds_ = 0;
  int n_ = -1;
  std::function<void()> before_rebuild_;
};

}  // namespace mdgpu
