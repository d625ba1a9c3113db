// What the emulator's parts tell each other: the arena's allocations with their written-byte
// shadows, and the block scheduler that runs a grid's threads as fibers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "simt/runtime.hpp"

namespace simt::detail {

// cudaMalloc's alignment; every allocation is also surrounded by a red zone this wide, never
// written, so that a kernel reading past either end reads "never-written" memory.
inline constexpr std::size_t kRedZone = 256;

struct Allocation {
  unsigned char* raw = nullptr;  // red zone, user bytes, red zone
  std::size_t size = 0;          // user bytes
  std::size_t total = 0;         // with both red zones
  std::int64_t serial = 0;       // the n-th allocation, for messages
  std::vector<unsigned char> written;  // per byte of raw: 1 once written by a copy, memset or kernel
  unsigned char* user() const { return raw + kRedZone; }
};

void* allocate(std::size_t bytes);  // null when the host has no memory left
void release(void* user);

// The allocation whose red zones or user bytes hold p, or null.
Allocation* find_allocation(const void* p);
// Where p lies, in words: "allocation #3 (4096 bytes) + 100" or "its leading red zone".
std::string describe_address(const void* p);

// A seeded random source (splitmix64): the same seed gives the same schedule.
class Random {
public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

private:
  std::uint64_t state_;
};
std::uint64_t seed();

// Runs every block of g once, in a shuffled order, threads interleaved at random between their
// switch points (barriers, warp collectives, exit); fresh __shared__ memory per block holds
// `shared_fill` in every byte. Faults on a barrier or collective that not all threads reach.
void run_blocks(const Grid& g, std::uint64_t schedule_seed, unsigned char shared_fill);

// Whether v points into a fiber stack: padding bytes of kernel arguments built on one can make a
// word that looks like a pointer there, which is never a kernel's host pointer.
bool is_fiber_stack(std::uintptr_t v);

// One lane's operands in a warp's mma_m16n8k8_tf32 (its collective's value points to them, on
// the lane's fiber stack, which stays put while it waits).
struct MmaLane {
  const float *a, *b, *c;
  float* d;
};
// The product of a warp whose 32 lanes have arrived (lanes[l]: lane l's operands): writes every
// lane's d, or returns why the operands fault (and writes nothing).
std::string complete_mma_m16n8k8_tf32(MmaLane* const lanes[32]);

// The kernel name and argument types for messages.
std::string describe_kernel(const Grid& g);

}  // namespace simt::detail
