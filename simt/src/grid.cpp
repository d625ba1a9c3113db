// A kernel launch: the configuration checked, the arguments scanned for host pointers, and the
// grid run twice on the same schedule, once with every never-written byte of the allocations it
// can reach (red zones and __shared__ memory included) poisoned with one pattern and once with
// another. A kernel that never reads such bytes writes the same results both times; any difference
// is a read of uninitialised or out-of-bounds memory, and a write into a red zone is a write out of
// bounds. Bytes both runs wrote alike become "written"; bytes that hold the two poisons in the two
// runs were copied from never-written memory and stay never-written (as MemorySanitizer propagates
// its shadow), so the read that uses them faults: a later kernel's result, a copy to the host.
#include <cxxabi.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "simt/src/internal.hpp"

namespace simt {
namespace detail {
namespace {

// Two poisons that differ in every bit and read as finite numbers of opposite signs, as large and
// small integers: a result computed from either differs from the other's.
constexpr unsigned char kFirstPoison = 0xA5, kSecondPoison = 0x5A;

std::uint64_t g_seed = 0;
bool g_seed_set = false;
std::int64_t g_launch_serial = 0;

std::string demangle(const std::type_info& t) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(t.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name ? name.get() : t.name();
}

std::string hex(std::uintptr_t v) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(v));
  return text;
}

// Below this a word is a number, not a host pointer: the first 64 KiB are never mapped, and
// AddressSanitizer maps its shadow and the inaccessible gap below x86-64's 0x10007fff8000, where
// no host object lives (two ints side by side, 1 and 1, look like an address in that gap).
#if defined(__SANITIZE_ADDRESS__)
constexpr std::uintptr_t kLowestHostAddress = 0x10007fff8000;
#else
constexpr std::uintptr_t kLowestHostAddress = 0x10000;
#endif

// Whether v points into mapped host memory: msync refuses (ENOMEM) a range that is not mapped.
bool host_mapped(std::uintptr_t v) {
  static const std::uintptr_t page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  return msync(reinterpret_cast<void*>(v / page * page), 1, MS_ASYNC) == 0;
}

// The allocations the arguments point into (the only memory a kernel can reach); faults on any
// word that points into host memory instead.
std::vector<Allocation*> reachable_allocations(const Grid& g) {
  std::vector<Allocation*> found;
  for (std::size_t k = 0; k < g.args.size(); ++k) {
    const ArgBytes& arg = g.args[k];
    for (std::size_t at = 0; at + sizeof(std::uintptr_t) <= arg.size; at += sizeof(std::uintptr_t)) {
      std::uintptr_t word = 0;
      std::memcpy(&word, static_cast<const unsigned char*>(arg.data) + at, sizeof word);
      if (Allocation* a = find_allocation(reinterpret_cast<const void*>(word))) {
        if (std::find(found.begin(), found.end(), a) == found.end()) found.push_back(a);
      } else if (word >= kLowestHostAddress && word < (std::uintptr_t{1} << 47) && !is_fiber_stack(word) && host_mapped(word)) {
        fault(describe_kernel(g) + ": argument " + std::to_string(k) + " (" + demangle(*arg.type) + ") holds a host " +
              "pointer at byte " + std::to_string(at) + " (" + hex(word) + ")");
      }
    }
  }
  return found;
}

// The shadow is one byte per byte, 1 when written; these loops go a word at a time where they can.
constexpr std::uint64_t kAllWritten = 0x0101010101010101ull;

std::uint64_t word_at(const unsigned char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

void poison_unwritten(Allocation& a, unsigned char poison) {
  const unsigned char* written = a.written.data();
  for (std::size_t i = 0; i < a.total; i += 8) {  // total is a multiple of kRedZone
    const std::uint64_t w = word_at(written + i);
    if (w == kAllWritten) continue;
    if (w == 0) {
      std::memset(a.raw + i, poison, 8);
      continue;
    }
    for (std::size_t j = i; j < i + 8; ++j)
      if (!written[j]) a.raw[j] = poison;
  }
}

struct Snapshot {
  Allocation* allocation;
  std::vector<unsigned char> before, first_run;
};

// Compares the two runs' results, marks what both wrote alike, and faults on the first difference.
void settle(const Grid& g, Snapshot& s) {
  Allocation& a = *s.allocation;
  for (std::size_t i0 = 0; i0 < a.total; i0 += 8) {
    if (word_at(a.written.data() + i0) == kAllWritten && word_at(s.first_run.data() + i0) == word_at(a.raw + i0))
      continue;
    for (std::size_t i = i0; i < i0 + 8; ++i) {
      const unsigned char first = s.first_run[i], second = a.raw[i];
      if (a.written[i]) {
        if (first == second) continue;
      } else {
        if (first == kFirstPoison && second == kSecondPoison) continue;  // untouched, or copied unwritten
        if (first == second) {
          if (i < kRedZone || i >= kRedZone + a.size)
            fault(describe_kernel(g) + ": writes out of bounds, at " + describe_address(a.raw + i));
          a.written[i] = 1;
          continue;
        }
      }
      fault(describe_kernel(g) + ": its results depend on memory never written (an uninitialised or out-of-bounds " +
            "read of device memory, or a read of unwritten __shared__ memory): " + describe_address(a.raw + i) +
            " differs between two runs with different poison");
    }
  }
}

bool valid_configuration(const Grid& g) {
  const std::size_t threads = std::size_t{g.block.x} * g.block.y * g.block.z;
  return threads >= 1 && threads <= 1024 && g.block.z <= 64 && g.grid.x >= 1 && g.grid.y >= 1 && g.grid.z >= 1 &&
         g.grid.y <= 65535 && g.grid.z <= 65535 && g.dynamic_shared <= (48u << 10);
}

}  // namespace

std::uint64_t Random::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::uint64_t seed() {
  if (!g_seed_set) {
    const char* env = std::getenv("SIMT_SEED");
    g_seed = env ? std::strtoull(env, nullptr, 0) : 0x5eedull;
    g_seed_set = true;
  }
  return g_seed;
}

std::string describe_kernel(const Grid& g) {
  std::string s = std::string("kernel ") + g.kernel + "(";
  for (std::size_t k = 0; k < g.args.size(); ++k) s += (k ? ", " : "") + demangle(*g.args[k].type);
  return s + ")";
}

}  // namespace detail

void set_seed(std::uint64_t seed) {
  detail::g_seed = seed;
  detail::g_seed_set = true;
  detail::g_launch_serial = 0;  // the launches that follow replay the same schedules
}

bool run_grid(const Grid& g) {
  using namespace detail;
  if (!valid_configuration(g)) {
    set_last_launch_error(9);  // cudaErrorInvalidConfiguration
    return false;
  }
  Counters& c = counters();
  ++c.launches;
  c.threads += static_cast<std::int64_t>(std::size_t{g.grid.x} * g.grid.y * g.grid.z * g.block.x * g.block.y * g.block.z);
  std::vector<Snapshot> snapshots;
  for (Allocation* a : reachable_allocations(g)) snapshots.push_back({a, {a->raw, a->raw + a->total}, {}});
  Random schedule(seed() ^ static_cast<std::uint64_t>(++g_launch_serial) * 0x9e3779b97f4a7c15ull);
  const std::uint64_t schedule_seed = schedule.next();

  for (Snapshot& s : snapshots) poison_unwritten(*s.allocation, kFirstPoison);
  run_blocks(g, schedule_seed, kFirstPoison);
  for (Snapshot& s : snapshots) {
    Allocation& a = *s.allocation;
    s.first_run.assign(a.raw, a.raw + a.total);
    std::memcpy(a.raw, s.before.data(), a.total);
    poison_unwritten(a, kSecondPoison);
  }
  run_blocks(g, schedule_seed, kSecondPoison);
  for (Snapshot& s : snapshots) settle(g, s);
  return true;
}

}  // namespace simt
