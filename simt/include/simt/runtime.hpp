// The SIMT emulator's core, seen by the CUDA shim headers: thread coordinates, block barriers and
// warp collectives of the fiber that is running, kernel launches, and the device arena's checks.
// Test infrastructure: it runs the project's .cu sources on the CPU, slowly and suspiciously.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace simt {

struct uint3 {
  unsigned x = 0, y = 0, z = 0;
};
struct dim3 {
  unsigned x = 1, y = 1, z = 1;
  constexpr dim3(unsigned vx = 1, unsigned vy = 1, unsigned vz = 1) : x(vx), y(vy), z(vz) {}
};

// What the emulator has counted since the last reset (what the device-resident step will assert).
struct Counters {
  std::int64_t launches = 0;       // kernel grids (a CUB stand-in's grid included)
  std::int64_t cub_calls = 0;      // CUB algorithm calls, size queries excluded
  std::int64_t memsets = 0;
  std::int64_t copies_h2d = 0, copies_d2h = 0, copies_d2d = 0;
  std::int64_t bytes_h2d = 0, bytes_d2h = 0, bytes_d2d = 0;
  std::int64_t host_syncs = 0;     // calls that wait for the device: blocking device-to-host copies, synchronize
  std::int64_t default_stream_work = 0;  // launches, CUB calls, copies, memsets on the legacy default stream
  std::int64_t threads = 0;        // device threads run (each once, however often a grid is replayed)
  std::int64_t graph_launches = 0;  // cudaGraphLaunch calls
  std::int64_t replayed = 0;        // stream operations that graph launches ran (also counted by kind above)
  std::int64_t issued = 0;          // operations run as called, not from a graph (a graph launch is none;
                                    // nor a CUB call's own grid: outermost operations only)
  std::size_t device_bytes = 0, peak_device_bytes = 0;
};
Counters& counters();
void reset_counters();  // keeps the allocation figures, zeroes the rest

// A fault is a bug the emulator caught (a race exposed, a read of never-written memory, a host
// pointer in a kernel, a barrier some threads skip). By default it prints one line and aborts, so
// that no caller can swallow it; tests of the emulator install a handler that throws.
using FaultHandler = void (*)(const std::string& what);
void set_fault_handler(FaultHandler handler);
[[noreturn]] void fault(const std::string& what);

// The seed of the block order and of the thread interleaving (SIMT_SEED in the environment, or a
// fixed default); after set_seed, the same launches replay the same schedules.
void set_seed(std::uint64_t seed);
// Whether cudaGetDeviceCount reports the emulated device. Off by default, so that a binary built
// with the emulator never picks it for "auto"; the test binaries turn it on.
void set_device_visible(bool visible);
bool device_visible();

// --- inside a kernel --------------------------------------------------------------------------
const uint3& thread_idx();
const uint3& block_idx();
const dim3& block_dim();
const dim3& grid_dim();
void sync_block();
// A warp collective: every lane of `mask` contributes `value` (up to 8 bytes); the result for this
// lane is computed once all of them have arrived. Kinds: see Collective.
enum class Collective { Sync, Shfl, ShflUp, ShflDown, ShflXor, Ballot, Any, All, MmaTf32 };
std::uint64_t warp_collective(Collective kind, unsigned mask, std::uint64_t value, int operand, int width);
// Stand-ins for two PTX instructions that kernels issue as inline assembly (no CUDA intrinsic):
// cvt.rna.tf32.f32 (keep 10 mantissa bits, round to nearest, ties away from zero; infinities and
// NaN unchanged), and mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32, d = A B + c with A 16x8,
// B 8x8 and c, d 16x8, each lane holding its fragments in the PTX ISA's layout (g = lane / 4,
// t = lane % 4): a = A[g][t], A[g+8][t], A[g][t+4], A[g+8][t+4]; b = B[t][g], B[t+4][g];
// c, d = C[g][2t], C[g][2t+1], C[g+8][2t], C[g+8][2t+1]. One warp collective of all 32 lanes (the
// instruction is .aligned: every lane executes it); A and B must hold TF32 values (cvt's output),
// anything else faults. Products of TF32 values are exact in float32; they are summed onto c in
// float32 in k order (the hardware's order and internal precision are its own).
float cvt_rna_tf32(float x);
void mma_m16n8k8_tf32(float d[4], const float a[4], const float b[2], const float c[4]);
// Storage of one __shared__ declaration (site: a unique address per declaration) in this block.
void* shared_storage(const void* site, std::size_t bytes, std::size_t align);
void* dynamic_shared_storage();

// --- the device arena ----------------------------------------------------------------------------
bool is_device(const void* p, std::size_t bytes = 1);
void require_device(const void* p, std::size_t bytes, const char* what);
void require_written(const void* p, std::size_t bytes, const char* what);
void mark_written(const void* p, std::size_t bytes);

// --- streams -------------------------------------------------------------------------------------
// Null is the legacy default stream (its work is counted in default_stream_work); any other stream
// must have been created and not yet destroyed, or the call faults.
void use_stream(const void* stream, const char* what);

// --- stream capture (CUDA graphs) ------------------------------------------------------------------
// Every operation on a stream (a launch, a CUB call, a memset, a copy between device buffers) goes
// through submit: it runs at once, or, while `stream` is being captured, it is recorded (nothing
// runs, as in CUDA) and runs when the graph is launched, with the arguments it was given here.
void submit(const void* stream, std::function<void()> work);
// Whether `stream` is being captured (null: whether any stream is, the legacy default stream's
// calls being refused then, as under cudaStreamCaptureModeGlobal).
bool capturing(const void* stream);
// For a call that CUDA refuses during a capture (a synchronisation, a copy to or from host
// memory): true if `stream` is being captured, which invalidates that capture (all of them for
// null); the call then returns cudaErrorStreamCaptureUnsupported.
bool refused_in_capture(const void* stream);

// --- launches --------------------------------------------------------------------------------------
struct ArgBytes {
  const void* data;
  std::size_t size;
  const std::type_info* type;
};
struct Grid {
  const char* kernel;
  dim3 grid, block;
  std::size_t dynamic_shared;
  std::vector<ArgBytes> args;
  void (*thread_body)(void* context);
  void* context;
};
// Returns false (and records cudaErrorInvalidConfiguration) on a bad configuration.
bool run_grid(const Grid& g);
void set_last_launch_error(int error);

template <class Kernel>
class Launch {
public:
  Launch(const char* name, Kernel k, dim3 grid, dim3 block, std::size_t shared = 0, const void* stream = nullptr)
      : name_(name), kernel_(k), grid_(grid), block_(block), shared_(shared), stream_(stream) {}
  // Arguments travel by value, as into CUDA's parameter space (a launch recorded by a stream
  // capture keeps them); every thread sees the same copies.
  template <class... A>
  void operator()(A&&... a) const {
    using Args = std::tuple<std::decay_t<A>...>;
    static_assert((std::is_trivially_copyable_v<std::decay_t<A>> && ...),
                  "a kernel argument must be trivially copyable, as CUDA requires");
    Args args(std::forward<A>(a)...);
    use_stream(stream_, name_);
    submit(stream_, [name = name_, kernel = kernel_, args, grid = grid_, block = block_, shared = shared_] {
      // The scan for host pointers reads a copy whose padding (whatever the stack held, stale
      // pointers too) is cleared. Never the arguments themselves: GCC 12's __builtin_clear_padding
      // zeroed real members of an array of structs inside such a tuple.
      Args scanned(args);
#if defined(__has_builtin) && __has_builtin(__builtin_clear_padding)
      __builtin_clear_padding(&scanned);
#endif
      Grid g{name, grid, block, shared, {}, nullptr, nullptr};
      std::apply([&](const auto&... x) { (g.args.push_back({&x, sizeof x, &typeid(x)}), ...); }, scanned);
      struct Context {
        const Kernel* kernel;
        const Args* args;
      } context{&kernel, &args};
      g.context = &context;
      g.thread_body = [](void* c) {
        auto* ctx = static_cast<Context*>(c);
        std::apply(*ctx->kernel, *ctx->args);
      };
      run_grid(g);
    });
  }

private:
  const char* name_;
  Kernel kernel_;
  dim3 grid_, block_;
  std::size_t shared_;
  const void* stream_;
};

// simt/translate.py turns `kernel<<<grid, block>>>(args)` into
// `::simt::launch("kernel", [](auto... a) { kernel(a...); }, grid, block)(args)`.
template <class Kernel, class... Config>
Launch<Kernel> launch(const char* name, Kernel k, Config... config) {
  return Launch<Kernel>(name, k, config...);
}

// `__shared__ T name[N];` becomes `T (&name)[N] = ::simt::shared<T[N]>(site)`.
template <class T>
T& shared(const void* site) {
  static_assert(std::is_trivially_default_constructible_v<T>, "__shared__ variables have no constructors");
  return *static_cast<T*>(shared_storage(site, sizeof(T), alignof(T)));
}

template <class T>
std::uint64_t to_bits(const T& v) {
  static_assert(sizeof(T) <= 8 && std::is_trivially_copyable_v<T>, "warp collectives move at most 8 bytes");
  std::uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof(T));
  return bits;
}
template <class T>
T from_bits(std::uint64_t bits) {
  T v;
  std::memcpy(&v, &bits, sizeof(T));
  return v;
}

}  // namespace simt
