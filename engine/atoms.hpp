// The atoms as the backend holds them for the whole run: structure-of-arrays buffers in the
// backend's memory space. Uploaded once from a System; downloaded only when an observer asks.
#pragma once

#include <cstdint>

#include "core/system.hpp"
#include "kernels/memory.hpp"
#include "kernels/views.hpp"

namespace mdgpu {

class Atoms {
public:
  Atoms(Space space, const System& system);  // uploads positions, velocities, images, masses

  int size() const { return n_; }
  Space space() const { return space_; }
  AtomsView view();

  // Copies positions, velocities and image counters back into `system` (same atoms, same order).
  void download_state(System& system) const;
  void download_forces(Vec3Array& forces) const;
  void upload_velocities(const System& system);
  void upload_positions(const System& system);

private:
  Space space_;
  int n_ = 0;
  Buffer<double> x_, y_, z_, vx_, vy_, vz_, fx_, fy_, fz_, mass_;
  Buffer<int> type_;
  Buffer<std::int32_t> imx_, imy_, imz_;
};

}  // namespace mdgpu
