#include "kernels/host/host_backend.hpp"

#include <omp.h>

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "kernels/guard_bodies.hpp"
#include "kernels/integrate_bodies.hpp"
#include "kernels/neighbor_bodies.hpp"
#include "kernels/pair_bodies.hpp"

namespace mdgpu {
namespace {

// Loops over fewer items than these run on one thread: below them a parallel region costs more
// than it saves (and much more when the cores are shared with other processes).
constexpr int kLightLoopThreshold = 8192;  // a few flops per atom
constexpr int kHeavyLoopThreshold = 256;   // a neighbor loop per atom

// Reduces the items in fixed blocks, then the block results in order: the result does not depend
// on the thread count. `partial` is caller-owned scratch, so the MD step does not allocate.
constexpr std::size_t kReduceBlock = 4096;

template <class T, class Value, class Merge>
T blocked_reduce(std::size_t n, std::vector<T>& partial, const T& init, Value&& value, Merge&& merge) {
  const std::size_t nblocks = (n + kReduceBlock - 1) / kReduceBlock;
  partial.resize(nblocks);
#pragma omp parallel for schedule(static) if (nblocks > 1)
  for (std::size_t b = 0; b < nblocks; ++b) {
    T acc = init;
    const std::size_t end = std::min(n, (b + 1) * kReduceBlock);
    for (std::size_t i = b * kReduceBlock; i < end; ++i) acc = merge(acc, value(i));
    partial[b] = acc;
  }
  T total = init;
  for (const T& p : partial) total = merge(total, p);
  return total;
}

// Sums of K values per item.
template <int K, class F>
std::array<double, K> blocked_sum(std::size_t n, std::vector<std::array<double, K>>& partial,
                                  F&& values) {
  using Sums = std::array<double, K>;
  return blocked_reduce(
      n, partial, Sums{},
      [&values](std::size_t i) {
        Sums v;
        values(i, v.data());
        return v;
      },
      [](Sums l, const Sums& r) {
        for (int k = 0; k < K; ++k) l[k] += r[k];
        return l;
      });
}

class HostBackend final : public Backend {
public:
  explicit HostBackend(int threads) {
    if (threads > 0) omp_set_num_threads(threads);
  }
  std::string name() const override { return "cpu"; }
  Space space() const override { return Space::Host; }
  std::string describe() const override {
    return fmt::format("CPU, {} OpenMP threads", omp_get_max_threads());
  }

  void kick(const AtomsView& a, double dt) override {
#pragma omp parallel for schedule(static) if (a.n >= kLightLoopThreshold)
    for (int i = 0; i < a.n; ++i) kick_atom(a, i, dt);
  }
  void drift(const AtomsView& a, double dt) override {
#pragma omp parallel for schedule(static) if (a.n >= kLightLoopThreshold)
    for (int i = 0; i < a.n; ++i) drift_atom(a, i, dt);
  }
  void scale_velocities(const AtomsView& a, double factor) override {
#pragma omp parallel for schedule(static) if (a.n >= kLightLoopThreshold)
    for (int i = 0; i < a.n; ++i) scale_velocity_atom(a, i, factor);
  }
  void langevin(const AtomsView& a, double c1, double kT, std::uint64_t seed,
                std::uint64_t step) override {
#pragma omp parallel for schedule(static) if (a.n >= kLightLoopThreshold)
    for (int i = 0; i < a.n; ++i) langevin_atom(a, i, c1, kT, seed, step);
  }
  void wrap(const AtomsView& a, const BoxData& box) override {
#pragma omp parallel for schedule(static) if (a.n >= kLightLoopThreshold)
    for (int i = 0; i < a.n; ++i) wrap_atom(a, i, box);
  }
  std::array<double, 6> kinetic_tensor(const AtomsView& a) override {
    return blocked_sum<6>(a.n, tensor_partial_, [&a](std::size_t i, double* t) {
      kinetic_tensor_atom(a, static_cast<int>(i), t);
    });
  }
  double max_displacement_sq(const AtomsView& a, const double* rx, const double* ry,
                             const double* rz) override {
    double m = 0.0;
#pragma omp parallel for schedule(static) reduction(max : m) if (a.n >= kLightLoopThreshold)
    for (int i = 0; i < a.n; ++i) m = std::max(m, displacement_sq_atom(a, i, rx, ry, rz));
    return m;
  }
  void fractional_bounds(const AtomsView& a, const BoxData& box, double lo[3], double hi[3]) override {
    for (int k = 0; k < 3; ++k) lo[k] = 1e300, hi[k] = -1e300;
    for (int i = 0; i < a.n; ++i) {
      const double r[3] = {a.x[i], a.y[i], a.z[i]};
      double s[3];
      box_to_frac(box, r, s);
      for (int k = 0; k < 3; ++k) lo[k] = std::min(lo[k], s[k]), hi[k] = std::max(hi[k], s[k]);
    }
  }

  std::int64_t count_neighbors(const AtomsView& a, const BoxData& box, const BinGrid& g,
                               NeighborScratch& s, Buffer<std::int64_t>& offsets) override {
    const int n = a.n, nb = g.total();
    s.atom_bin.resize(n);
    s.bin_atoms.resize(n);
    s.bin_start.resize(nb + 1);
    s.counts.resize(n);
    int* bin = s.atom_bin.data();
    int* start = s.bin_start.data();
#pragma omp parallel for schedule(static) if (n >= kLightLoopThreshold)
    for (int i = 0; i < n; ++i) bin[i] = bin_of_atom(g, box, a.x[i], a.y[i], a.z[i]);
    // Stable counting sort by bin.
    std::fill(start, start + nb + 1, 0);
    for (int i = 0; i < n; ++i) ++start[bin[i] + 1];
    for (int b = 0; b < nb; ++b) start[b + 1] += start[b];
    std::vector<int> cursor(start, start + nb);
    for (int i = 0; i < n; ++i) s.bin_atoms.data()[cursor[bin[i]]++] = i;

    int* counts = s.counts.data();
    const int* atoms = s.bin_atoms.data();
#pragma omp parallel for schedule(dynamic, 64) if (n >= kHeavyLoopThreshold)
    for (int i = 0; i < n; ++i)
      counts[i] = neighbors_of_atom(g, box, a.x, a.y, a.z, start, atoms, i, nullptr, nullptr);
    offsets.resize(n + 1);
    std::int64_t* off = offsets.data();
    off[0] = 0;
    for (int i = 0; i < n; ++i) off[i + 1] = off[i] + counts[i];
    return off[n];
  }
  void fill_neighbors(const AtomsView& a, const BoxData& box, const BinGrid& g, NeighborScratch& s,
                      const std::int64_t* offsets, int* index, std::int32_t* image) override {
    const int* start = s.bin_start.data();
    const int* atoms = s.bin_atoms.data();
#pragma omp parallel for schedule(dynamic, 64) if (a.n >= kHeavyLoopThreshold)
    for (int i = 0; i < a.n; ++i)
      neighbors_of_atom(g, box, a.x, a.y, a.z, start, atoms, i, index + offsets[i],
                        image + offsets[i]);
  }

  void pair_forces(const PairTableView& t, const AtomsView& a, const NeighborView& nl,
                   const BoxData& box, double* energy, double* virial6) override {
#pragma omp parallel for schedule(dynamic, 64) if (a.n >= kHeavyLoopThreshold)
    for (int i = 0; i < a.n; ++i) pair_forces_atom(t, a, nl, box, i, energy, virial6);
  }

  double sum(const double* values, std::size_t n) override {
    return blocked_sum<1>(n, sum_partial_, [values](std::size_t i, double* v) { v[0] = values[i]; })[0];
  }

  StepCheck check_step(const AtomsView& a, const AtomsView& before, const BoxData& box) override {
    return blocked_reduce(
        a.n, check_partial_, StepCheck{},
        [&](std::size_t i) { return check_atom(a, before, box, static_cast<int>(i)); },
        merge_checks);
  }

private:
  // Block results of the reductions.
  std::vector<std::array<double, 6>> tensor_partial_;
  std::vector<std::array<double, 1>> sum_partial_;
  std::vector<StepCheck> check_partial_;
};

}  // namespace

std::unique_ptr<Backend> make_host_backend(int threads) {
  return std::make_unique<HostBackend>(threads);
}

}  // namespace mdgpu
