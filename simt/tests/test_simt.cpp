// Tests of the SIMT emulator itself: kernels run as on a GPU (barriers, shared memory, warp
// collectives, shuffled blocks), and each planted bug is caught: a race exposed by the seeded
// interleaving, a missing __syncthreads, reads of never-written and out-of-bounds device memory, a
// barrier that not all threads reach, a host pointer in a kernel, a copy in the wrong direction,
// a CUB call without its size query, a stream used after its destruction, and (under
// AddressSanitizer) a local array overflowed by a thread resumed from a barrier; a stream capture
// records without running, refuses what CUDA refuses, and its graph replays the recorded work.
#include <gtest/gtest.h>

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "toy_kernels.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define SIMT_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIMT_TEST_ASAN 1
#endif
#endif

namespace {

struct Fault : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Simt : public ::testing::Test {
protected:
  void SetUp() override {
    simt::set_fault_handler([](const std::string& what) { throw Fault(what); });
    simt::set_seed(1);
  }
  void TearDown() override {
    for (void* p : allocations_) cudaFree(p);
    simt::set_fault_handler(nullptr);
  }
  template <class T>
  T* device(std::size_t n) {
    void* p = nullptr;
    EXPECT_EQ(cudaMalloc(&p, n * sizeof(T)), cudaSuccess);
    allocations_.push_back(p);
    return static_cast<T*>(p);
  }
  template <class T>
  T* upload(const std::vector<T>& host) {
    T* d = device<T>(host.size());
    EXPECT_EQ(cudaMemcpy(d, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice), cudaSuccess);
    return d;
  }
  template <class T>
  std::vector<T> download(const T* d, std::size_t n) {
    std::vector<T> host(n);
    EXPECT_EQ(cudaMemcpy(host.data(), d, n * sizeof(T), cudaMemcpyDeviceToHost), cudaSuccess);
    return host;
  }

private:
  std::vector<void*> allocations_;
};

// The message of the fault `run` raises; fails the test if none.
template <class F>
std::string fault_of(F run) {
  try {
    run();
  } catch (const Fault& f) {
    return f.what();
  }
  ADD_FAILURE() << "no fault";
  return "";
}

std::vector<int> iota(int n, int first = 0) {
  std::vector<int> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), first);
  return v;
}

TEST_F(Simt, RunsAGridAndCountsIt) {
  const int n = 300;  // three blocks, the last one partial
  const int* in = upload(iota(n));
  int* out = device<int>(n);
  simt::reset_counters();
  toy::add_one(in, out, n);
  EXPECT_EQ(download(out, n), iota(n, 1));
  const simt::Counters& c = simt::counters();
  EXPECT_EQ(c.launches, 1);
  EXPECT_EQ(c.threads, 384);
  EXPECT_EQ(c.copies_d2h, 1);
  EXPECT_EQ(c.host_syncs, 1);
}

TEST_F(Simt, SharedMemoryAndBarrier) {
  const int* in = upload(iota(128));
  int* out = device<int>(128);
  toy::reverse_in_block(in, out);
  std::vector<int> want = iota(128);
  std::reverse(want.begin(), want.end());
  EXPECT_EQ(download(out, 128), want);
}

TEST_F(Simt, MissingBarrierIsCaught) {
  const int* in = upload(iota(128));
  int* out = device<int>(128);
  // Threads read tile entries that others have not written yet: poison, which reaches the host.
  const std::string f = fault_of([&] {
    toy::reverse_without_barrier(in, out);
    download(out, 128);
  });
  EXPECT_NE(f.find("never written"), std::string::npos) << f;
}

// Two threads write one __shared__ word with no order between them: which write lands depends on
// the interleaving, so seeds disagree; one seed always gives the same answer.
TEST_F(Simt, RaceIsExposedBySeedsAndReplayedByOne) {
  int* out = device<int>(64);
  std::set<int> winners;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    simt::set_seed(seed);
    toy::last_writer(out);
    const std::vector<int> got = download(out, 64);
    EXPECT_EQ(std::count(got.begin(), got.end(), got[0]), 64);
    winners.insert(got[0]);
    simt::set_seed(seed);
    toy::last_writer(out);
    EXPECT_EQ(download(out, 64), got) << "seed " << seed << " did not replay";
  }
  EXPECT_EQ(winners, (std::set<int>{1, 2}));
}

TEST_F(Simt, WarpShuffleAndBallot) {
  const int* in = upload(iota(64));
  int* sums = device<int>(2);
  unsigned* ballots = device<unsigned>(2);
  toy::warp_sums(in, sums, ballots);
  EXPECT_EQ(download(sums, 2), (std::vector<int>{31 * 32 / 2, 32 * 32 + 31 * 32 / 2}));
  EXPECT_EQ(download(ballots, 2), (std::vector<unsigned>{0xaaaaaaaau, 0xaaaaaaaau}));
}

// cvt.rna.tf32.f32 by its definition, independently of the emulator's bit arithmetic: the
// significand to 11 bits, rounded half away from zero (std::round), for normal numbers.
float tf32_reference(float x) {
  int e = 0;
  const double m = std::frexp(static_cast<double>(x), &e);  // |m| in [0.5, 1): 24 bits, 11 kept
  return static_cast<float>(std::ldexp(std::round(std::ldexp(m, 11)), e - 11));
}

TEST_F(Simt, Tf32RoundsToNearestTiesAway) {
  const float ulp = std::ldexp(1.0f, -10), half = ulp / 2, below = std::nextafter(1.0f + half, 1.0f);
  EXPECT_EQ(simt::cvt_rna_tf32(1.0f + half), 1.0f + ulp);
  EXPECT_EQ(simt::cvt_rna_tf32(-(1.0f + half)), -(1.0f + ulp));
  EXPECT_EQ(simt::cvt_rna_tf32(below), 1.0f);
  EXPECT_EQ(simt::cvt_rna_tf32(std::nextafter(2.0f, 0.0f)), 2.0f);  // the carry reaches the exponent
  EXPECT_TRUE(std::isinf(simt::cvt_rna_tf32(INFINITY)));
  EXPECT_TRUE(std::isnan(simt::cvt_rna_tf32(NAN)));
  std::mt19937 random(7);
  std::uniform_real_distribution<float> value(-1e3f, 1e3f);
  for (int i = 0; i < 10000; ++i) {
    const float x = value(random);
    ASSERT_EQ(simt::cvt_rna_tf32(x), tf32_reference(x)) << x;
  }
}

// The warp's mma against the product of the operands written out: small integers, whose sums are
// exact in any order (the fragment layout, bit for bit), then random values rounded to TF32 by
// the kernel, against the double product of the reference's rounding, within float32's error of
// summing 9 terms.
TEST_F(Simt, WarpMmaTf32MatchesTheProductOfTf32Operands) {
  std::mt19937 random(11);
  auto matrix = [&](int size, auto draw) {
    std::vector<float> m(static_cast<std::size_t>(size));
    for (float& x : m) x = draw(random);
    return m;
  };
  std::uniform_int_distribution<int> small(-8, 8);
  std::uniform_real_distribution<float> real(-2.0f, 2.0f);
  for (const bool integers : {true, false}) {
    SCOPED_TRACE(integers ? "integers" : "random reals");
    auto draw = [&](std::mt19937& r) { return integers ? static_cast<float>(small(r)) : real(r); };
    const std::vector<float> A = matrix(128, draw), B = matrix(64, draw), C = matrix(128, draw);
    float* D = device<float>(128);
    toy::mma_tf32(upload(A), upload(B), upload(C), D, true, false);
    const std::vector<float> got = download(D, 128);
    for (int r = 0; r < 16; ++r)
      for (int n = 0; n < 8; ++n) {
        double want = C[r * 8 + n], magnitude = std::fabs(want);
        for (int k = 0; k < 8; ++k) {
          const double p = static_cast<double>(tf32_reference(A[r * 8 + k])) * tf32_reference(B[k * 8 + n]);
          want += p;
          magnitude += std::fabs(p);
        }
        if (integers)
          EXPECT_EQ(got[r * 8 + n], want) << r << "," << n;
        else
          EXPECT_NEAR(got[r * 8 + n], want, 9 * std::numeric_limits<float>::epsilon() * magnitude) << r << "," << n;
      }
  }
}

TEST_F(Simt, WarpMmaTf32FaultsOnOperandsNotTf32AndOnAMissingLane) {
  std::vector<float> ones(128, 1.0f), third(128, 1.0f / 3.0f);
  float* D = device<float>(128);
  EXPECT_NE(fault_of([&] { toy::mma_tf32(upload(third), upload(ones), upload(ones), D, false, false); })
                .find("is not TF32"),
            std::string::npos);
  EXPECT_NE(fault_of([&] { toy::mma_tf32(upload(ones), upload(ones), upload(ones), D, true, true); }).find("has exited"),
            std::string::npos);
}

TEST_F(Simt, BarrierNotReachedByAllThreadsIsCaught) {
  int* out = device<int>(32);
  const std::string f = fault_of([&] { toy::exit_before_barrier(out); });
  EXPECT_NE(f.find("__syncthreads not reached by all threads"), std::string::npos) << f;
}

TEST_F(Simt, BlocksRunInASeededShuffledOrder) {
  const int blocks = 64;
  auto order_for = [&](std::uint64_t seed) {
    simt::set_seed(seed);
    int* order = device<int>(blocks);
    int* counter = device<int>(1);
    cudaMemset(counter, 0, sizeof(int));
    toy::block_order(order, counter, blocks);
    return download(order, blocks);
  };
  const std::vector<int> a = order_for(3), b = order_for(4);
  std::vector<int> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, iota(blocks));
  EXPECT_NE(a, iota(blocks));
  EXPECT_NE(a, b);
  EXPECT_EQ(order_for(3), a);
}

TEST_F(Simt, ReadOfNeverWrittenDeviceMemoryIsCaught) {
  const int* in = device<int>(100);  // allocated, never written
  int* out = device<int>(100);
  const std::string f = fault_of([&] { toy::add_one(in, out, 100); });
  EXPECT_NE(f.find("memory never written"), std::string::npos) << f;
}

TEST_F(Simt, OutOfBoundsReadIsCaught) {
  const int* in = upload(iota(100));
  int* out = device<int>(100);
  // out[99] holds the poison read past the end of in; using it faults.
  const std::string f = fault_of([&] {
    toy::read_one_past(in, out, 100);
    download(out, 100);
  });
  EXPECT_NE(f.find("never written, at device allocation #"), std::string::npos) << f;
  EXPECT_NE(f.find("(400 bytes) + 396"), std::string::npos) << f;
}

TEST_F(Simt, OutOfBoundsWriteIsCaught) {
  int* out = device<int>(64);  // 256 bytes: the write past the end lands in the red zone
  const std::string f = fault_of([&] { toy::write_one_past(out, 64); });
  EXPECT_NE(f.find("writes out of bounds"), std::string::npos) << f;
}

// A fiber switch must leave the frames of the thread it suspends poisoned as they were (a longjmp
// would unpoison them), so that AddressSanitizer sees a local array overflowed after a barrier.
TEST_F(Simt, LocalOverflowAfterABarrierIsCaughtByAsan) {
#if SIMT_TEST_ASAN
  int* out = device<int>(64);
  EXPECT_DEATH(toy::local_overflow_after_barrier(out), "stack-buffer-overflow");
#else
  GTEST_SKIP() << "needs AddressSanitizer";
#endif
}

TEST_F(Simt, HostPointerInAKernelIsCaught) {
  std::vector<int> host = iota(10);
  int* out = device<int>(10);
  const std::string f = fault_of([&] { toy::add_one(host.data(), out, 10); });
  EXPECT_NE(f.find("holds a host pointer"), std::string::npos) << f;
}

TEST_F(Simt, CopyDirectionIsChecked) {
  std::vector<int> host(10);
  int* d = upload(iota(10));
  const std::string f = fault_of([&] { cudaMemcpy(host.data(), d, 40, cudaMemcpyHostToDevice); });
  EXPECT_NE(f.find("cudaMemcpyHostToDevice"), std::string::npos) << f;
  const std::string g = fault_of([&] { cudaMemcpy(host.data(), device<int>(10), 40, cudaMemcpyDeviceToHost); });
  EXPECT_NE(g.find("never written"), std::string::npos) << g;
}

TEST_F(Simt, CubKeepsItsProtocol) {
  const std::vector<long> values = {3, 1, 4, 1, 5, 9, 2, 6};
  const long* in = upload(values);
  long* out = device<long>(values.size());
  toy::prefix_sums(in, out, 8, false);
  EXPECT_EQ(download(out, 8), (std::vector<long>{3, 4, 8, 9, 14, 23, 25, 31}));
  const std::string f = fault_of([&] { toy::prefix_sums(in, out, 8, true); });
  EXPECT_NE(f.find("size query"), std::string::npos) << f;
}

TEST_F(Simt, StreamsKeepTheirProtocolAndCountsTellTheDefaultStreamApart) {
  const int n = 200;
  const int* in = upload(iota(n));
  int* out = device<int>(n);
  long* sums = device<long>(n);
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  simt::reset_counters();
  toy::add_one_then_sum_on(stream, in, out, sums, n);
  std::vector<long> host(n);
  ASSERT_EQ(cudaMemcpyAsync(host.data(), sums, n * sizeof(long), cudaMemcpyDeviceToHost, stream), cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(host.back(), static_cast<long>(n) * (n + 1) / 2);
  simt::Counters c = simt::counters();
  EXPECT_EQ(c.launches, 1);
  EXPECT_EQ(c.cub_calls, 1);
  EXPECT_EQ(c.copies_d2h, 1);
  EXPECT_EQ(c.host_syncs, 1);  // the stream's synchronisation, not the asynchronous copy
  EXPECT_EQ(c.default_stream_work, 0);
  (void)download(out, n);  // the legacy default stream: counted as such
  EXPECT_EQ(simt::counters().default_stream_work, 1);
  ASSERT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  const std::string f = fault_of([&] { toy::add_one_then_sum_on(stream, in, out, sums, n); });
  EXPECT_NE(f.find("never created or is destroyed"), std::string::npos) << f;
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaErrorInvalidResourceHandle);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidResourceHandle);
}

TEST_F(Simt, StreamCaptureRecordsAndTheGraphReplaysIt) {
  const int n = 200;
  int* in = upload(iota(n));
  int* out = device<int>(n);
  int* copy = device<int>(n);
  long* sums = device<long>(n);
  const std::size_t bytes = toy::scan_storage(n);
  void* temp = device<char>(bytes);
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  simt::reset_counters();
  ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
  cudaStreamCaptureStatus status{};
  ASSERT_EQ(cudaStreamIsCapturing(stream, &status), cudaSuccess);
  EXPECT_EQ(status, cudaStreamCaptureStatusActive);
  toy::add_one_then_sum_into(stream, in, out, sums, n, temp, bytes);
  ASSERT_EQ(cudaMemcpyAsync(copy, out, n * sizeof(int), cudaMemcpyDeviceToDevice, stream), cudaSuccess);
  ASSERT_EQ(cudaMemsetAsync(out, 0, sizeof(int), stream), cudaSuccess);
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaStreamEndCapture(stream, &graph), cudaSuccess);
  ASSERT_NE(graph, nullptr);
  // Nothing ran: no count, and the outputs were never written.
  EXPECT_EQ(simt::counters().launches + simt::counters().cub_calls + simt::counters().memsets +
                simt::counters().copies_d2d,
            0);
  EXPECT_NE(fault_of([&] { (void)download(sums, n); }).find("never written"), std::string::npos);

  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  ASSERT_EQ(cudaGraphDestroy(graph), cudaSuccess);  // the executable graph keeps its own copy
  ASSERT_EQ(cudaGraphLaunch(exec, stream), cudaSuccess);
  EXPECT_EQ(download(sums, n).back(), static_cast<long>(n) * (n + 1) / 2);
  EXPECT_EQ(download(copy, n), iota(n, 1));
  EXPECT_EQ(download(out, 1)[0], 0);
  // A replay reads the memory as it is then, through the arguments recorded.
  ASSERT_EQ(cudaMemcpy(in, iota(n, 10).data(), n * sizeof(int), cudaMemcpyHostToDevice), cudaSuccess);
  simt::reset_counters();
  ASSERT_EQ(cudaGraphLaunch(exec, stream), cudaSuccess);
  EXPECT_EQ(download(sums, n).back(), static_cast<long>(n) * (n + 21) / 2);
  const simt::Counters c = simt::counters();
  EXPECT_EQ(c.graph_launches, 1);
  EXPECT_EQ(c.replayed, 4);  // the launch, the scan, the copy, the memset
  EXPECT_EQ(c.launches, 1);
  EXPECT_EQ(c.cub_calls, 1);
  EXPECT_EQ(c.copies_d2d, 1);
  EXPECT_EQ(c.memsets, 1);
  EXPECT_EQ(c.host_syncs, 1);  // the download's, none for the graph
  ASSERT_EQ(cudaGraphExecDestroy(exec), cudaSuccess);
  EXPECT_EQ(cudaGraphLaunch(exec, stream), cudaErrorInvalidResourceHandle);
  (void)cudaGetLastError();
  ASSERT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST_F(Simt, StreamCaptureRefusesWhatCudaRefuses) {
  int* d = device<int>(4);
  ASSERT_EQ(cudaMemset(d, 0, 4 * sizeof(int)), cudaSuccess);
  int host[4] = {};
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  EXPECT_EQ(cudaStreamBeginCapture(nullptr, cudaStreamCaptureModeGlobal), cudaErrorStreamCaptureUnsupported);
  // Each of these invalidates the capture; its end then says so and gives no graph.
  const auto refused = [&](auto call) {
    ASSERT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaSuccess);
    EXPECT_EQ(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal), cudaErrorIllegalState);
    EXPECT_EQ(call(), cudaErrorStreamCaptureUnsupported);
    cudaStreamCaptureStatus status{};
    ASSERT_EQ(cudaStreamIsCapturing(stream, &status), cudaSuccess);
    EXPECT_EQ(status, cudaStreamCaptureStatusInvalidated);
    cudaGraph_t graph = nullptr;
    EXPECT_EQ(cudaStreamEndCapture(stream, &graph), cudaErrorStreamCaptureInvalidated);
    EXPECT_EQ(graph, nullptr);
    (void)cudaGetLastError();
  };
  refused([&] { return cudaStreamSynchronize(stream); });
  refused([&] { return cudaDeviceSynchronize(); });
  refused([&] { return cudaMemcpyAsync(host, d, sizeof host, cudaMemcpyDeviceToHost, stream); });
  refused([&] { return cudaMemcpyAsync(d, host, sizeof host, cudaMemcpyHostToDevice, stream); });
  refused([&] { return cudaMemcpy(host, d, sizeof host, cudaMemcpyDeviceToHost); });
  refused([&] {
    void* p = nullptr;
    return cudaMalloc(&p, 16);
  });
  cudaGraph_t graph = nullptr;
  EXPECT_EQ(cudaStreamEndCapture(stream, &graph), cudaErrorIllegalState);  // none under way
  (void)cudaGetLastError();
  ASSERT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

}  // namespace
