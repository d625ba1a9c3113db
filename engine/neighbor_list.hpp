// Neighbor list (cut-off + skin) in receiver-sorted CSR form, full or half (kernels/views.hpp),
// kept in the backend's memory and rebuilt when some atom has moved more than skin/2 since the
// last build — less when the cell has changed since then (see allowed_displacement), so that a
// cell that changes (a barostat, Simulation::set_box) is followed without a rebuild at every
// change.
// Deferred mode (set_deferred, on the device only): the rebuild decision is taken on the device,
// so that a step asks the host nothing. Every update runs the displacement check and a rebuild
// predicated on it (Backend::rebuild_neighbors_if) into a list of fixed capacity (the last host
// build's pairs with headroom); the device counts its rebuilds and raises a sticky overflow flag
// when one would need more slots, and the host reads both later (settle). This holds while the
// cell is the one of the last host build and fully periodic: the bin grid then depends on the
// cell and the atom count only, so a device rebuild bins as a host build would, and a restart
// (restore) rebuilds the same list. Otherwise an update decides on the host, as always.
// The list also gives the atoms' order in its bins (NeighborView::order): a spatial order renewed
// at every build, host or device, in a buffer that keeps its place (a recorded step reads the
// order of the last rebuild).
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
  // Deferred mode on or off (no effect on the host backend).
  void set_deferred(bool deferred);
  // Whether update() would decide on the device now: deferred mode, the atoms and the cell of the
  // last host build, fully periodic.
  bool decides_on_device(AtomsView atoms, const Box& box) const;
  // Whether it would while the atoms and the cell stay those of the last host build, as they do
  // through a deferred stage (NeighborView::deferred: its steps are read later, and redone when
  // void). Off during redone steps (set_deferred(false)).
  bool defers() const;
  // A replay of a recorded step (engine/step_replay.hpp) ran a device update: counted as the
  // update's own call counts it, for settle() to read.
  void device_update_replayed() { ++unsettled_; }
  // Reads what the device decided since the last call (one copy to the host): its rebuilds are
  // added to builds(); returns whether the list overflowed since, then clears the flag.
  bool settle();
  // A copy in device memory of the list and of what its next device rebuilds start from, and
  // its return (after an overflow, with the flags cleared and the list as it was then).
  void mark();
  void rewind();
  // Slots of the list beyond the pairs of a host build once deferred mode was asked for (on the
  // device): pairs / kHeadroomDivisor + kHeadroomSlots, room for the pairs to grow between
  // host builds (liquids and solids near their density vary by a few per cent).
  static constexpr std::int64_t kHeadroomDivisor = 5, kHeadroomSlots = 64;
  // At most `slots` for device rebuilds (tests force overflows with 0).
  void limit_device_slots_for_tests(std::int64_t slots) { device_slots_limit_ = slots; }
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
  // Builds by the host, whose list a recording may name (ForceComputer).
  std::int64_t host_builds() const { return host_builds_; }
  const BinGrid& grid() const { return grid_; }

private:
  void build(AtomsView atoms, const Box& box);
  void index(AtomsView atoms, const Box& box);  // the list from the atoms' positions as they are
  BinGrid make_grid(AtomsView atoms, const Box& box) const;
  double allowed_displacement(const Box& box) const;
  void update_on_device(AtomsView atoms, const Box& box);
  void keep_capacity();  // spare slots after a host build, once deferred mode was asked for
  template <class F>
  void each_marked(F&& f);  // f(buffer, its copy in marked_, entries) for each one mark() copies

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
  std::int64_t host_builds_ = 0;
  bool deferred_ = false;      // decisions on the device asked for
  bool deferrable_ = false;    // deferred mode was asked for once: host builds keep headroom
  bool has_capacity_ = false;  // the list has capacity_ slots (view().pairs = capacity_)
  std::int64_t capacity_ = 0, allocated_ = 0, device_slots_limit_ = -1;
  std::int64_t unsettled_ = 0;  // device updates since the last settle()
  Buffer<double> moved_sq_;          // the displacement check's result, on the device
  Buffer<DeviceBuilds> flags_;       // one, on the device
  struct Marked {                    // mark()'s copies
    Buffer<std::int64_t> offsets, counts;
    Buffer<int> index, atom_bin, bin_atoms;
    Buffer<std::int32_t> image;
    Buffer<double> ref_x, ref_y, ref_z;
    std::int64_t builds = 0, total = 0, host_builds = -1;
  } marked_;
  int n_ = -1;
  std::function<void()> before_rebuild_;
};

}  // namespace mdgpu
