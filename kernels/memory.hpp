// Where a buffer lives, and a move-only RAII buffer there. No implicit host/device mirroring:
// data crosses only through explicit upload/download.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace mdgpu {

enum class Space { Host, Device };

void* space_allocate(Space space, std::size_t bytes);
void space_free(Space space, void* ptr) noexcept;
void space_copy(Space dst_space, void* dst, Space src_space, const void* src, std::size_t bytes);
void space_zero(Space space, void* ptr, std::size_t bytes);

template <class T>
class Buffer {
public:
  Buffer() = default;
  Buffer(Space space, std::size_t n) : space_(space) { resize(n); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& o) noexcept { swap(o); }
  Buffer& operator=(Buffer&& o) noexcept {
    Buffer(std::move(o)).swap(*this);
    return *this;
  }
  ~Buffer() { space_free(space_, data_); }

  void set_space(Space space) {
    if (space != space_) *this = Buffer(space, 0);
  }
  // Discards the contents when it has to grow; never shrinks the allocation.
  void resize(std::size_t n) {
    if (n > capacity_) {
      space_free(space_, data_);
      data_ = nullptr;
      capacity_ = 0;
      data_ = static_cast<T*>(space_allocate(space_, n * sizeof(T)));
      capacity_ = n;
    }
    size_ = n;
  }
  void zero() { space_zero(space_, data_, size_ * sizeof(T)); }
  void upload(const std::vector<T>& host) {
    resize(host.size());
    space_copy(space_, data_, Space::Host, host.data(), size_ * sizeof(T));
  }
  void download(std::vector<T>& host) const {
    host.resize(size_);
    space_copy(Space::Host, host.data(), space_, data_, size_ * sizeof(T));
  }
  std::vector<T> to_host() const {
    std::vector<T> host;
    download(host);
    return host;
  }
  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }
  Space space() const { return space_; }

private:
  void swap(Buffer& o) noexcept {
    std::swap(space_, o.space_);
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(capacity_, o.capacity_);
  }
  Space space_ = Space::Host;
  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace mdgpu
