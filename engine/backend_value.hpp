// One value that an integrator keeps in the backend's memory between steps (a thermostat's
// state), so that its steps read nothing back: the host writes it before the first step (a
// restart), reads it only when asked (observers, checkpoints), and deferred steps copy it aside
// and back with the atoms (mark/rewind, engine/step_mark.hpp).
#pragma once

#include "kernels/memory.hpp"

namespace mdgpu {

template <class T>
class BackendValue {
public:
  explicit BackendValue(const T& value = T{}) : host_(value) {}

  // The value in `space`, placed there (from the host's copy) at the first call.
  T* in(Space space) {
    if (!placed_) {
      value_.set_space(space);
      value_.resize(1);
      space_copy(space, value_.data(), Space::Host, &host_, sizeof(T));
      placed_ = true;
    }
    return value_.data();
  }
  // The value as it is now (one copy from the backend once placed: a synchronisation there).
  const T& get() const {
    if (placed_) space_copy(Space::Host, &host_, value_.space(), value_.data(), sizeof(T));
    return host_;
  }
  // Replaces the value; it is placed again at the next in().
  void set(const T& value) {
    host_ = value;
    placed_ = false;
  }

  // A copy of the value to go back to (kept where the value is), and the return to it.
  void mark() {
    marked_on_host_ = !placed_;
    if (marked_on_host_) {
      marked_host_ = host_;
      return;
    }
    marked_.set_space(value_.space());
    marked_.resize(1);
    space_copy(value_.space(), marked_.data(), value_.space(), value_.data(), sizeof(T));
  }
  void rewind() {
    if (marked_on_host_) set(marked_host_);
    else if (marked_.size() == 1) space_copy(value_.space(), value_.data(), marked_.space(), marked_.data(), sizeof(T));
  }

private:
  mutable T host_;
  Buffer<T> value_, marked_;
  T marked_host_{};
  bool placed_ = false, marked_on_host_ = false;
};

}  // namespace mdgpu
