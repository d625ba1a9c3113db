// The block scheduler. A block's threads are logical threads run by a pool of fibers:
// the scheduler draws the next thread from those that can run with a seeded random source, and
// the thread runs until its next switch point (a barrier, a warp collective, or its end). A fiber
// whose thread ends draws the next thread itself and, when that one has not started yet, runs it
// on the spot, so a kernel without barriers costs no context switch per thread; a thread that
// waits keeps its fiber until it is released. A barrier opens when every thread of the block
// waits at it; a warp collective completes when every lane of its mask has arrived with the same
// operation.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
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

#if defined(__x86_64__)
// Saves the callee-saved registers (and the SSE and x87 control words, which the ABI also keeps
// across calls) on the running stack, stores its stack pointer in *save_sp, and resumes the stack
// whose pointer is `sp`, saved there by an earlier switch or laid out by start_context.
extern "C" void mdgpu_simt_switch(void** save_sp, void* sp);
asm(R"(
  .pushsection .text
  .globl mdgpu_simt_switch
  .hidden mdgpu_simt_switch
  .type mdgpu_simt_switch, @function
  .p2align 4
mdgpu_simt_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size mdgpu_simt_switch, .-mdgpu_simt_switch
  .popsection
)");
#else
#include <ucontext.h>
#endif

namespace simt::detail {
namespace {

// --- switching stacks ----------------------------------------------------------------------------
// On x86-64 a switch is twenty instructions and no system call: glibc's swapcontext sets the
// signal mask (rt_sigprocmask) at every switch, which cost about a third of the emulated tests' CPU
// time. Not _setjmp/_longjmp either: AddressSanitizer takes a longjmp for an unwind of the stack it
// leaves and unpoisons that stack's live frames, so an overflow of a local array that lives across
// a __syncthreads would go unreported. Elsewhere ucontext does the switch.
#if defined(__x86_64__)
struct Context {
  void* sp = nullptr;
};

void switch_context(Context& save, const Context& to) { mdgpu_simt_switch(&save.sp, to.sp); }

// A context whose first switch enters `entry` at the top of the stack, as if called, with no
// return address (entry must never return) and the running thread's floating-point controls.
void start_context(Context& c, char* stack, std::size_t bytes, void (*entry)()) {
  const std::uintptr_t top = reinterpret_cast<std::uintptr_t>(stack + bytes) & ~std::uintptr_t{15};
  auto* sp = reinterpret_cast<std::uintptr_t*>(top) - 9;  // what mdgpu_simt_switch pops, then entry's return address
  std::uint32_t mxcsr = 0;
  std::uint16_t x87_control = 0;
  asm volatile("stmxcsr %0" : "=m"(mxcsr));
  asm volatile("fnstcw %0" : "=m"(x87_control));
  sp[0] = mxcsr | std::uintptr_t{x87_control} << 32;
  for (int r = 1; r <= 6; ++r) sp[r] = 0;  // r15, r14, r13, r12, rbx, rbp (a null frame pointer)
  sp[7] = reinterpret_cast<std::uintptr_t>(entry);
  sp[8] = 0;
  c.sp = sp;
}
#else
struct Context {
  ucontext_t uc{};
};

void switch_context(Context& save, const Context& to) { swapcontext(&save.uc, &to.uc); }

void start_context(Context& c, char* stack, std::size_t bytes, void (*entry)()) {
  getcontext(&c.uc);
  c.uc.uc_stack.ss_sp = stack;
  c.uc.uc_stack.ss_size = bytes;
  c.uc.uc_link = nullptr;
  makecontext(&c.uc, entry, 0);
  // makecontext has read the stack; ASan's swapcontext interceptor would otherwise clear the
  // shadow of the whole stack (mmap and madvise calls) at every switch into the fiber, live frames
  // included. reset() clears the stack's shadow once instead.
  c.uc.uc_stack.ss_size = 0;
}
#endif

enum class State { NotStarted, Running, Ready, AtBarrier, AtCollective, Done };

// Large enough for the host-device linears' local arrays; sanitizers grow frames.
#if SIMT_ASAN
constexpr std::size_t kStackBytes = std::size_t{1} << 20;
#else
constexpr std::size_t kStackBytes = std::size_t{256} << 10;
#endif
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

struct Thread;

struct Fiber {
  Context context;
  std::unique_ptr<Stack> stack = std::make_unique<Stack>();
  void* fake_stack = nullptr;  // ASan's bookkeeping while switched away
  Thread* thread = nullptr;    // the thread it runs or holds; null when idle
};

struct Thread {
  State state = State::NotStarted;
  uint3 index;
  unsigned linear = 0;
  Fiber* fiber = nullptr;
  // The pending warp collective and its result.
  Collective op = Collective::Sync;
  unsigned mask = 0;
  std::uint64_t value = 0, result = 0;
  int operand = 0, width = 32;
};

struct Block {
  const Grid* grid = nullptr;
  uint3 index;
  unsigned size = 0;
  std::vector<Thread> threads;
  std::vector<Thread*> runnable;  // not started, or released from a wait
  unsigned finished = 0;
  Random* random = nullptr;
  std::vector<std::unique_ptr<Fiber>> fibers;  // the pool, kept from block to block
  std::vector<Fiber*> idle;
  Fiber* fiber = nullptr;    // the running fiber
  Thread* thread = nullptr;  // the running thread
  Thread* handed_back = nullptr;  // drawn by a fiber that could not run it
  Context scheduler;
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

Thread* draw() {
  const std::size_t pick = g_block.random->below(g_block.runnable.size());
  Thread* t = g_block.runnable[pick];
  g_block.runnable[pick] = g_block.runnable.back();
  g_block.runnable.pop_back();
  return t;
}

// --- switching, with AddressSanitizer told about each stack change ---------------------------
void enter_fiber(Fiber& f) {
  g_block.fiber = &f;
#if SIMT_ASAN
  __sanitizer_start_switch_fiber(&g_block.scheduler_fake_stack, f.stack->base(), kStackBytes);
#endif
  switch_context(g_block.scheduler, f.context);
#if SIMT_ASAN
  __sanitizer_finish_switch_fiber(g_block.scheduler_fake_stack, nullptr, nullptr);
#endif
  g_block.fiber = nullptr;
  g_block.thread = nullptr;
}

void leave_fiber(Fiber& f) {
#if SIMT_ASAN
  __sanitizer_start_switch_fiber(&f.fake_stack, g_block.scheduler_stack_bottom, g_block.scheduler_stack_size);
#endif
  switch_context(f.context, g_block.scheduler);
#if SIMT_ASAN
  __sanitizer_finish_switch_fiber(f.fake_stack, &g_block.scheduler_stack_bottom, &g_block.scheduler_stack_size);
#endif
}

// A fiber's whole life: run the thread it is given, then the next not-started thread it draws,
// until it draws one it cannot run (a released waiter) or none; then idle until given another.
void fiber_main() {
#if SIMT_ASAN
  __sanitizer_finish_switch_fiber(nullptr, &g_block.scheduler_stack_bottom, &g_block.scheduler_stack_size);
#endif
  Fiber& f = *g_block.fiber;
  for (;;) {
    g_block.thread = f.thread;
    f.thread->state = State::Running;
    try {
      g_block.grid->thread_body(g_block.grid->context);
    } catch (const std::exception& e) {
      if (g_block.thread_failure.empty()) g_block.thread_failure = e.what();
    } catch (...) {
      if (g_block.thread_failure.empty()) g_block.thread_failure = "an exception of unknown type";
    }
    f.thread->state = State::Done;
    f.thread->fiber = nullptr;
    ++g_block.finished;
    Thread* next = g_block.thread_failure.empty() && !g_block.runnable.empty() ? draw() : nullptr;
    if (next && next->state == State::NotStarted) {
      f.thread = next;
      next->fiber = &f;
      continue;
    }
    g_block.handed_back = next;
    f.thread = nullptr;
    g_block.idle.push_back(&f);
    leave_fiber(f);
  }
}

// A fresh fiber context at the start of fiber_main.
void reset(Fiber& f) {
#if SIMT_ASAN
  ASAN_UNPOISON_MEMORY_REGION(f.stack->base(), kStackBytes);  // frames of an abandoned run
#endif
  start_context(f.context, f.stack->base(), kStackBytes, fiber_main);
  f.thread = nullptr;
}

Fiber& idle_fiber() {
  if (g_block.idle.empty()) {
    g_block.fibers.push_back(std::make_unique<Fiber>());
    reset(*g_block.fibers.back());
    return *g_block.fibers.back();
  }
  Fiber* f = g_block.idle.back();
  g_block.idle.pop_back();
  return *f;
}

Thread& running(const char* what) {
  if (!g_block.thread) fault(std::string(what) + " called outside a kernel");
  return *g_block.thread;
}

std::string thread_name(const Thread& t) {
  return "thread (" + std::to_string(t.index.x) + "," + std::to_string(t.index.y) + "," + std::to_string(t.index.z) +
         ") of block (" + std::to_string(g_block.index.x) + "," + std::to_string(g_block.index.y) + "," +
         std::to_string(g_block.index.z) + ") of " + describe_kernel(*g_block.grid);
}

// --- warp collectives ----------------------------------------------------------------------------
// The lane of `lane`'s segment of `width` that an up/down/xor/indexed shuffle reads, or -1 when it
// reads its own value (CUDA's rule for sources outside the segment).
int shuffle_source(const Thread& f, unsigned lane) {
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
bool complete_collective(unsigned warp, const Thread& first) {
  const unsigned base = warp * 32;
  Thread* lanes[32] = {};
  for (unsigned l = 0; l < 32; ++l) {
    if (!(first.mask >> l & 1u)) continue;
    if (base + l >= g_block.size)
      fault(thread_name(first) + ": a warp collective's mask names lane " + std::to_string(l) +
            ", which does not exist in this block");
    Thread& f = g_block.threads[base + l];
    if (f.state == State::Done)
      fault(thread_name(first) + ": a warp collective's mask names lane " + std::to_string(l) + ", which has exited");
    if (f.state != State::AtCollective) return false;
    if (f.op != first.op || f.mask != first.mask || f.width != first.width)
      fault(thread_name(first) + " and lane " + std::to_string(l) + " wait in different warp collectives");
    lanes[l] = &f;
  }
  if (first.op == Collective::MmaTf32) {
    MmaLane* operands[32];
    for (unsigned l = 0; l < 32; ++l) operands[l] = reinterpret_cast<MmaLane*>(lanes[l]->value);
    const std::string why = complete_mma_m16n8k8_tf32(operands);
    if (!why.empty()) fault(thread_name(first) + ": " + why);
  }
  std::uint64_t ballot = 0;
  for (unsigned l = 0; l < 32; ++l)
    if (lanes[l] && lanes[l]->value) ballot |= std::uint64_t{1} << l;
  for (unsigned l = 0; l < 32; ++l) {
    Thread* f = lanes[l];
    if (!f) continue;
    switch (f->op) {
      case Collective::Sync:
      case Collective::MmaTf32: f->result = 0; break;
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
    g_block.runnable.push_back(f);
  }
  return true;
}

// Nothing can run: open the barrier, complete collectives, or report why the block is stuck.
void unblock() {
  unsigned at_barrier = 0, done = 0;
  for (unsigned t = 0; t < g_block.size; ++t) {
    Thread& f = g_block.threads[t];
    if (f.state == State::AtCollective) complete_collective(t / 32, f);
    at_barrier += f.state == State::AtBarrier;
    done += f.state == State::Done;
  }
  if (!g_block.runnable.empty()) return;
  if (at_barrier > 0 && at_barrier + done == g_block.size) {
    for (const Thread& f : g_block.threads)
      if (f.state == State::Done)
        fault("__syncthreads not reached by all threads of the block: " + thread_name(f) + " exited before it (" +
              std::to_string(at_barrier) + " of " + std::to_string(g_block.size) + " threads wait)");
    for (Thread& f : g_block.threads) {
      f.state = State::Ready;
      g_block.runnable.push_back(&f);
    }
    return;
  }
  for (const Thread& f : g_block.threads)
    if (f.state == State::AtCollective)
      fault("deadlock: " + thread_name(f) + " waits in a warp collective that lanes of its mask never reach (" +
            std::to_string(at_barrier) + " threads wait at __syncthreads)");
  fault("deadlock in " + describe_kernel(*g_block.grid));
}

// The running thread parks on its fiber until released.
void wait(Thread& t, State state) {
  t.state = state;
  g_block.handed_back = nullptr;
  leave_fiber(*t.fiber);
  t.state = State::Running;
}

void run_block(const Grid& g, uint3 block, unsigned char shared_fill) {
  g_block.index = block;
  std::fill(g_block.shared.begin(), g_block.shared.end(), shared_fill);
  g_block.shared_sites.clear();
  g_block.shared_used = 0;
  g_block.runnable.clear();
  g_block.finished = 0;
  for (unsigned t = 0; t < g_block.size; ++t) {
    Thread& th = g_block.threads[t];
    th = Thread{};
    th.linear = t;
    th.index = uint3{t % g.block.x, t / g.block.x % g.block.y, t / (g.block.x * g.block.y)};
    g_block.runnable.push_back(&th);
  }
  Thread* next = nullptr;
  while (g_block.finished < g_block.size) {
    if (!next) {
      if (g_block.runnable.empty()) unblock();
      next = draw();
    }
    Fiber* f = next->fiber;
    if (next->state == State::NotStarted) {
      f = &idle_fiber();
      f->thread = next;
      next->fiber = f;
    }
    g_block.thread = next;
    enter_fiber(*f);
    if (!g_block.thread_failure.empty())
      fault(thread_name(*next) + " or a thread after it on its fiber threw, which device code cannot: " +
            g_block.thread_failure);
    next = g_block.handed_back;
    g_block.handed_back = nullptr;
  }
}

}  // namespace

void run_blocks(const Grid& g, std::uint64_t schedule_seed, unsigned char shared_fill) {
  if (g_block.grid) fault(std::string("kernel ") + g.kernel + " launched from inside a kernel (not emulated)");
  Random random(schedule_seed);
  g_block.grid = &g;
  g_block.random = &random;
  struct Reset {  // also when a fault handler throws out of the grid
    ~Reset() {
      g_block.grid = nullptr;
      g_block.random = nullptr;
      g_block.thread = nullptr;
      g_block.fiber = nullptr;
      g_block.handed_back = nullptr;
      g_block.thread_failure.clear();
      // Fibers abandoned in a wait start afresh.
      g_block.idle.clear();
      for (auto& f : g_block.fibers) {
        if (f->thread) reset(*f);
        g_block.idle.push_back(f.get());
      }
    }
  } reset_at_end;
  g_block.size = g.block.x * g.block.y * g.block.z;
  g_block.threads.resize(g_block.size);
  const std::size_t blocks = std::size_t{g.grid.x} * g.grid.y * g.grid.z;
  // Blocks in a random order (Fisher-Yates).
  std::vector<std::size_t> order(blocks);
  for (std::size_t b = 0; b < blocks; ++b) order[b] = b;
  for (std::size_t b = blocks; b > 1; --b) std::swap(order[b - 1], order[random.below(b)]);
  for (std::size_t b : order) {
    const uint3 block{static_cast<unsigned>(b % g.grid.x), static_cast<unsigned>(b / g.grid.x % g.grid.y),
                      static_cast<unsigned>(b / (std::size_t{g.grid.x} * g.grid.y))};
    run_block(g, block, shared_fill);
  }
}

bool is_fiber_stack(std::uintptr_t v) {
  for (const auto& f : g_block.fibers) {
    const auto lo = reinterpret_cast<std::uintptr_t>(f->stack->mapping);
    if (v >= lo && v < lo + f->stack->bytes) return true;
  }
  return false;
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
  detail::Thread& f = detail::running("a warp collective");
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
