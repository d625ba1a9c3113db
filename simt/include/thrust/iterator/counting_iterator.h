// thrust::counting_iterator stand-in for the SIMT emulator: item i reads as first + i.
#pragma once

#include <cstddef>

namespace thrust {

template <class T>
class counting_iterator {
public:
  explicit counting_iterator(T first) : first_(first) {}
  T operator[](std::ptrdiff_t i) const { return first_ + static_cast<T>(i); }
  T operator*() const { return first_; }
  counting_iterator operator+(std::ptrdiff_t i) const { return counting_iterator(first_ + static_cast<T>(i)); }

private:
  T first_;
};

}  // namespace thrust
