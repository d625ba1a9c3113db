// The device arena: every cudaMalloc is a tracked host allocation in red zones, with a shadow of
// which bytes have ever been written. Pointers are "device" exactly when they fall inside one.
#include <cstdlib>
#include <iterator>
#include <map>
#include <memory>

#include "simt/src/internal.hpp"

namespace simt {
namespace detail {
namespace {

struct Arena {
  std::map<std::uintptr_t, Allocation> by_start;  // keyed by raw
  std::int64_t serial = 0;
};
// Never destroyed: objects with static storage (the benchmarks' backends) free their device
// buffers while static destruction runs, after a function-local Arena would be gone.
Arena& arena() {
  static Arena& a = *new Arena;
  return a;
}

std::uintptr_t address(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

}  // namespace

Allocation* find_allocation(const void* p) {
  auto& m = arena().by_start;
  auto it = m.upper_bound(address(p));
  if (it == m.begin()) return nullptr;
  --it;
  Allocation& a = it->second;
  return address(p) < address(a.raw) + a.total ? &a : nullptr;
}

std::string describe_address(const void* p) {
  const Allocation* a = find_allocation(p);
  if (!a) return "host address " + std::to_string(address(p));
  const std::string which = "device allocation #" + std::to_string(a->serial) + " (" + std::to_string(a->size) + " bytes)";
  const auto at = static_cast<std::ptrdiff_t>(address(p) - address(a->user()));
  if (at < 0) return std::to_string(-at) + " bytes before " + which;
  if (static_cast<std::size_t>(at) >= a->size)
    return std::to_string(static_cast<std::size_t>(at) - a->size) + " bytes past the end of " + which;
  return which + " + " + std::to_string(at);
}

void* allocate(std::size_t bytes) {
  const std::size_t rounded = (bytes + kRedZone - 1) / kRedZone * kRedZone;
  Allocation a;
  a.total = rounded + 2 * kRedZone;
  a.raw = static_cast<unsigned char*>(std::aligned_alloc(kRedZone, a.total));
  if (!a.raw) return nullptr;
  a.size = bytes;
  a.serial = ++arena().serial;
  a.written.assign(a.total, 0);
  void* user = a.user();
  arena().by_start.emplace(address(a.raw), std::move(a));
  Counters& c = counters();
  c.device_bytes += bytes;
  if (c.device_bytes > c.peak_device_bytes) c.peak_device_bytes = c.device_bytes;
  return user;
}

void release(void* user) {
  Allocation* a = find_allocation(user);
  if (!a || a->user() != user) fault("cudaFree of " + describe_address(user) + ", which cudaMalloc never returned");
  counters().device_bytes -= a->size;
  std::free(a->raw);
  arena().by_start.erase(address(a->raw));
}

}  // namespace detail

using detail::Allocation;
using detail::find_allocation;

bool is_device(const void* p, std::size_t bytes) {
  const Allocation* a = find_allocation(p);
  if (!a) return false;
  const auto at = reinterpret_cast<const unsigned char*>(p);
  return at >= a->user() && bytes <= a->size && at + bytes <= a->user() + a->size;
}

void require_device(const void* p, std::size_t bytes, const char* what) {
  if (bytes == 0 || is_device(p, bytes)) return;
  fault(std::string(what) + ": " + std::to_string(bytes) + " bytes at " + detail::describe_address(p) +
        " are not device memory (a host pointer, or out of the allocation's bounds)");
}

void require_written(const void* p, std::size_t bytes, const char* what) {
  if (bytes == 0) return;
  require_device(p, bytes, what);
  const Allocation* a = find_allocation(p);
  const std::size_t from = static_cast<std::size_t>(static_cast<const unsigned char*>(p) - a->raw);
  for (std::size_t i = from; i < from + bytes; ++i)
    if (!a->written[i])
      fault(std::string(what) + ": reads device memory never written, at " +
            detail::describe_address(a->raw + i));
}

void mark_written(const void* p, std::size_t bytes) {
  if (bytes == 0) return;
  require_device(p, bytes, "a device write");
  Allocation* a = find_allocation(p);
  const std::size_t from = static_cast<std::size_t>(static_cast<const unsigned char*>(p) - a->raw);
  std::fill(a->written.begin() + static_cast<std::ptrdiff_t>(from),
            a->written.begin() + static_cast<std::ptrdiff_t>(from + bytes), 1);
}

}  // namespace simt
