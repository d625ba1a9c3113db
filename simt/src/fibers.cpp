// The block scheduler: each thread of a block is a ucontext fiber; the scheduler resumes a ready
// one chosen by a seeded random source, and it runs until its next switch point (a barrier, a warp
// collective, or its end). A barrier opens when every thread of the block waits at it; a warp
// collective completes when every lane of its mask has arrived with the same operation.
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "simt/src/internal.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define SIMT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIMT_ASAN 1
#endif
#endif

#if SIMT_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace simt::detail {
namespace {

enum class State { Ready, AtBarrier, AtCollective, Done };

// Large enough for the host-device linears' local arrays; sanitizers grow frames.
#if SIMT_ASAN
constexpr std::size_t kStackBytes = std::size_t{1} << 20;
#else
constexpr std::size_t kStackBytes = std::size_t{256} << 10;
#endif
constexpr unsigned kMaxThreads = 1024;
constexpr std::size_t kSharedBytes = 48 << 10;  // static + dynamic __shared__ per block

struct Stack {
  void* mapping = nullptr;  // guard page, then the stack
  std::size_t bytes = 0;
  Stack() {
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    bytes = kStackBytes + page;
    mapping = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mapping == MAP_FAILED) fault("cannot map a fiber stack");
    mprotect(mapping, page, PROT_NONE);  // an overflow faults instead of corrupting a neighbour
  }
  ~Stack() { munmap(mapping, bytes); }
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;
  char* base() const { return static_cast<char*>(mapping) + (bytes - kStackBytes); }
};

struct Fiber {
  ucontext_t context{};
  std::unique_ptr<Stack> stack = std::make_unique<Stack>();
  void* fake_stack = nullptr;  // ASan's bookkeeping while switched away
  State state = State::Ready;
  uint3 index;
  unsigned linear = 0;
  // The pending warp collective and its result.
  Collective op = Collective::Sync;
  unsigned mask = 0;
  std::uint64_t value = 0, result = 0;
  int operand = 0, width = 32;
};

struct Block {
  const Grid* grid = nullptr;
  uint3 index;
  unsigned threads = 0;
  std::vector<std::unique_ptr<Fiber>> fibers;  // a pool: reused from block to block
  Fiber* current = nullptr;
  ucontext_t scheduler{};
  void* scheduler_fake_stack = nullptr;
  const void* scheduler_stack_bottom = nullptr;
  std::size_t scheduler_stack_size = 0;
  std::string thread_failure;  // an exception that escaped a thread
  // __shared__ memory of the running block: a bump allocator over one buffer, keyed by site.
  std::vector<unsigned char> shared = std::vector<unsigned char>(kSharedBytes);
  std::map<const void*, std::size_t> shared_sites;
  std::size_t shared_used = 0;
};
Block g_block;

// --- switching, with AddressSanitizer told about each stack change ---------------------------
void enter_fiber(Fiber& f) {
  g_block.current = &f;
#if SIMT_ASAN
  __sanitizer_start_switch_fiber(&g_block.scheduler_fake_stack, f.stack->base(), kStackBytes);
#endif
  swapcontext(&g_block.scheduler, &f.context);
#if SIMT_ASAN
  __sanitizer_finish_switch_fiber(g_block.scheduler_fake_stack, nullptr, nullptr);
#endif
  g_block.current = nullptr;
}

void leave_fiber(Fiber& f, bool finished) {
#if SIMT_ASAN
  __sanitizer_start_switch_fiber(finished ? nullptr : &f.fake_stack, g_block.scheduler_stack_bottom,
                                 g_block.scheduler_stack_size);
#endif
  (void)finished;
  swapcontext(&f.context, &g_block.scheduler);
#if SIMT_ASAN
  __sanitizer_finish_switch_fiber(f.fake_stack, &g_block.scheduler_stack_bottom, &g_block.scheduler_stack_size);
#endif
}

void fiber_main() {
  Fiber& f = *g_block.current;
#if SIMT_ASAN
  __sanitizer_finish_switch_fiber(nullptr, &g_block.scheduler_stack_bottom, &g_block.scheduler_stack_size);
#endif
  try {
    g_block.grid->thread_body(g_block.grid->context);
  } catch (const std::exception& e) {
    if (g_block.thread_failure.empty()) g_block.thread_failure = e.what();
  } catch (...) {
    if (g_block.thread_failure.empty()) g_block.thread_failure = "an exception of unknown type";
  }
  f.state = State::Done;
  leave_fiber(f, true);
}

Fiber& running(const char* what) {
  if (!g_block.current) fault(std::string(what) + " called outside a kernel");
  return *g_block.current;
}

std::string thread_name(const Fiber& f) {
  return "thread (" + std::to_string(f.index.x) + "," + std::to_string(f.index.y) + "," + std::to_string(f.index.z) +
         ") of block (" + std::to_string(g_block.index.x) + "," + std::to_string(g_block.index.y) + "," +
         std::to_string(g_block.index.z) + ") of " + describe_kernel(*g_block.grid);
}

// --- warp collectives ----------------------------------------------------------------------------
// The lane of `lane`'s segment of `width` that an up/down/xor/indexed shuffle reads, or -1 when it
// reads its own value (CUDA's rule for sources outside the segment).
int shuffle_source(const Fiber& f, unsigned lane) {
  const int w = f.width, base = static_cast<int>(lane) / w * w, l = static_cast<int>(lane);
  switch (f.op) {
    case Collective::Shfl: return base + ((f.operand % w) + w) % w;
    case Collective::ShflUp: return l - f.operand >= base ? l - f.operand : -1;
    case Collective::ShflDown: return l + f.operand < base + w ? l + f.operand : -1;
    case Collective::ShflXor: {
      const int s = l ^ f.operand;
      return s >= base && s < base + w ? s : -1;
    }
    default: return -1;
  }
}

// Completes the collective of warp `warp` if all the lanes of its mask are waiting in it;
// returns whether it did. Faults when a lane of the mask exited or waits elsewhere.
bool complete_collective(unsigned warp, const Fiber& first, std::vector<Fiber*>& ready) {
  const unsigned base = warp * 32;
  Fiber* lanes[32] = {};
  for (unsigned l = 0; l < 32; ++l) {
    if (!(first.mask >> l & 1u)) continue;
    if (base + l >= g_block.threads)
      fault(thread_name(first) + ": a warp collective's mask names lane " + std::to_string(l) +
            ", which does not exist in this block");
    Fiber& f = *g_block.fibers[base + l];
    if (f.state == State::Done)
      fault(thread_name(first) + ": a warp collective's mask names lane " + std::to_string(l) + ", which has exited");
    if (f.state != State::AtCollective) return false;
    if (f.op != first.op || f.mask != first.mask || f.width != first.width)
      fault(thread_name(first) + " and lane " + std::to_string(l) + " wait in different warp collectives");
    lanes[l] = &f;
  }
  std::uint64_t ballot = 0;
  for (unsigned l = 0; l < 32; ++l)
    if (lanes[l] && lanes[l]->value) ballot |= std::uint64_t{1} << l;
  for (unsigned l = 0; l < 32; ++l) {
    Fiber* f = lanes[l];
    if (!f) continue;
    switch (f->op) {
      case Collective::Sync: f->result = 0; break;
      case Collective::Ballot: f->result = ballot; break;
      case Collective::Any: f->result = ballot != 0; break;
      case Collective::All: f->result = ballot == (first.mask & 0xffffffffu); break;
      default: {
        const int src = shuffle_source(*f, l);
        if (src >= 0 && !lanes[src])
          fault(thread_name(*f) + ": shuffles from lane " + std::to_string(src) + ", which is not in the mask");
        f->result = src >= 0 ? lanes[src]->value : f->value;
      }
    }
    f->state = State::Ready;
    ready.push_back(f);
  }
  return true;
}

// Nothing can run: open the barrier, complete collectives, or report why the block is stuck.
void unblock(std::vector<Fiber*>& ready) {
  unsigned at_barrier = 0, done = 0;
  for (unsigned t = 0; t < g_block.threads; ++t) {
    Fiber& f = *g_block.fibers[t];
    if (f.state == State::AtCollective) complete_collective(t / 32, f, ready);
    at_barrier += f.state == State::AtBarrier;
    done += f.state == State::Done;
  }
  if (!ready.empty()) return;
  if (at_barrier > 0 && at_barrier + done == g_block.threads) {
    if (done > 0) {
      for (auto& f : g_block.fibers)
        if (f->state == State::Done)
          fault("__syncthreads not reached by all threads of the block: " + thread_name(*f) + " exited before it (" +
                std::to_string(at_barrier) + " of " + std::to_string(g_block.threads) + " threads wait)");
    }
    for (unsigned t = 0; t < g_block.threads; ++t) {
      g_block.fibers[t]->state = State::Ready;
      ready.push_back(g_block.fibers[t].get());
    }
    return;
  }
  for (unsigned t = 0; t < g_block.threads; ++t)
    if (g_block.fibers[t]->state == State::AtCollective)
      fault("deadlock: " + thread_name(*g_block.fibers[t]) + " waits in a warp collective that lanes of its mask " +
            "never reach (" + std::to_string(at_barrier) + " threads wait at __syncthreads)");
}

void wait(Fiber& f, State state) {
  f.state = state;
  leave_fiber(f, false);
}

void run_block(const Grid& g, uint3 block, Random& random, unsigned char shared_fill) {
  g_block.index = block;
  std::fill(g_block.shared.begin(), g_block.shared.end(), shared_fill);
  g_block.shared_sites.clear();
  g_block.shared_used = 0;
  std::vector<Fiber*> ready;
  for (unsigned t = 0; t < g_block.threads; ++t) {
    Fiber& f = *g_block.fibers[t];
    f.state = State::Ready;
    f.linear = t;
    f.index = uint3{t % g.block.x, t / g.block.x % g.block.y, t / (g.block.x * g.block.y)};
#if SIMT_ASAN
    ASAN_UNPOISON_MEMORY_REGION(f.stack->base(), kStackBytes);  // frames of the block before
#endif
    getcontext(&f.context);
    f.context.uc_stack.ss_sp = f.stack->base();
    f.context.uc_stack.ss_size = kStackBytes;
    f.context.uc_link = nullptr;
    makecontext(&f.context, fiber_main, 0);
    ready.push_back(&f);
  }
  unsigned finished = 0;
  while (finished < g_block.threads) {
    if (ready.empty()) unblock(ready);
    const std::size_t pick = random.below(ready.size());
    Fiber* f = ready[pick];
    ready[pick] = ready.back();
    ready.pop_back();
    enter_fiber(*f);
    if (!g_block.thread_failure.empty())
      fault(thread_name(*f) + " threw, which device code cannot: " + g_block.thread_failure);
    finished += f->state == State::Done;
  }
}

}  // namespace

void run_blocks(const Grid& g, std::uint64_t schedule_seed, unsigned char shared_fill) {
  if (g_block.grid) fault(std::string("kernel ") + g.kernel + " launched from inside a kernel (not emulated)");
  g_block.grid = &g;
  struct Reset {  // also when a fault handler throws out of the grid
    ~Reset() {
      g_block.grid = nullptr;
      g_block.current = nullptr;
      g_block.thread_failure.clear();
    }
  } reset;
  g_block.threads = g.block.x * g.block.y * g.block.z;
  while (g_block.fibers.size() < g_block.threads) g_block.fibers.push_back(std::make_unique<Fiber>());
  const std::size_t blocks = std::size_t{g.grid.x} * g.grid.y * g.grid.z;
  Random random(schedule_seed);
  // Blocks in a random order (Fisher-Yates).
  std::vector<std::size_t> order(blocks);
  for (std::size_t b = 0; b < blocks; ++b) order[b] = b;
  for (std::size_t b = blocks; b > 1; --b) std::swap(order[b - 1], order[random.below(b)]);
  for (std::size_t b : order) {
    const uint3 block{static_cast<unsigned>(b % g.grid.x), static_cast<unsigned>(b / g.grid.x % g.grid.y),
                      static_cast<unsigned>(b / (std::size_t{g.grid.x} * g.grid.y))};
    run_block(g, block, random, shared_fill);
  }
}

}  // namespace simt::detail

namespace simt {

using detail::g_block;

const uint3& thread_idx() { return detail::running("threadIdx").index; }
const uint3& block_idx() {
  detail::running("blockIdx");
  return g_block.index;
}
const dim3& block_dim() {
  detail::running("blockDim");
  return g_block.grid->block;
}
const dim3& grid_dim() {
  detail::running("gridDim");
  return g_block.grid->grid;
}

void sync_block() { detail::wait(detail::running("__syncthreads"), detail::State::AtBarrier); }

std::uint64_t warp_collective(Collective kind, unsigned mask, std::uint64_t value, int operand, int width) {
  detail::Fiber& f = detail::running("a warp collective");
  const unsigned lane = f.linear % 32;
  if (!(mask >> lane & 1u))
    fault(detail::thread_name(f) + " calls a warp collective whose mask does not include its own lane");
  if (width <= 0 || width > 32 || (width & (width - 1)) != 0)
    fault(detail::thread_name(f) + ": shuffle width " + std::to_string(width) + " is not a power of two up to 32");
  f.op = kind;
  f.mask = mask;
  f.value = value;
  f.operand = operand;
  f.width = width;
  detail::wait(f, detail::State::AtCollective);
  return f.result;
}

void* shared_storage(const void* site, std::size_t bytes, std::size_t align) {
  detail::running("__shared__ storage");
  auto it = g_block.shared_sites.find(site);
  if (it == g_block.shared_sites.end()) {
    const std::size_t at = (g_block.shared_used + align - 1) / align * align;
    if (at + bytes > g_block.shared.size())
      fault(detail::describe_kernel(*g_block.grid) + ": __shared__ variables exceed " +
            std::to_string(g_block.shared.size()) + " bytes");
    g_block.shared_used = at + bytes;
    it = g_block.shared_sites.emplace(site, at).first;
  }
  return g_block.shared.data() + it->second;
}

void* dynamic_shared_storage() {
  detail::running("extern __shared__ storage");
  static const char site = 0;
  return shared_storage(&site, g_block.grid->dynamic_shared, 16);
}

}  // namespace simt
