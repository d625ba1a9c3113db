// The CUDA backend: forwards each Backend call to its launcher. All work goes to the default
// stream in call order; only the calls that return a value to the host synchronise.
#include "kernels/cuda/cuda_backend.hpp"

#include <cuda_runtime_api.h>

#include <cstdio>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/launchers.cuh"

namespace mdgpu::cuda {
namespace {

class CudaBackend final : public Backend {
public:
  std::string name() const override { return "cuda"; }
  Space space() const override { return Space::Device; }
  std::string describe() const override {
    int dev = 0;
    MDGPU_CUDA_CHECK(cudaGetDevice(&dev));
    cudaDeviceProp p{};
    MDGPU_CUDA_CHECK(cudaGetDeviceProperties(&p, dev));
    char memory[32];
    std::snprintf(memory, sizeof memory, "%.1f GiB",
                  static_cast<double>(p.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0));
    return "CUDA device " + std::to_string(dev) + ": " + p.name + ", compute capability " +
           std::to_string(p.major) + "." + std::to_string(p.minor) + ", " +
           std::to_string(p.multiProcessorCount) + " SMs, " + memory;
  }

  void kick(const AtomsView& a, double dt) override { launch_kick(a, dt); }
  void drift(const AtomsView& a, double dt) override { launch_drift(a, dt); }
  void scale_velocities(const AtomsView& a, double factor) override {
    launch_scale_velocities(a, factor);
  }
  void langevin(const AtomsView& a, double c1, double kT, std::uint64_t seed,
                std::uint64_t step) override {
    launch_langevin(a, c1, kT, seed, step);
  }
  void wrap(const AtomsView& a, const BoxData& box) override { launch_wrap(a, box); }
  std::array<double, 6> kinetic_tensor(const AtomsView& a) override {
    return reduce_kinetic_tensor(a, temp_);
  }
  double max_displacement_sq(const AtomsView& a, const double* rx, const double* ry,
                             const double* rz) override {
    return reduce_max_displacement_sq(a, rx, ry, rz, temp_);
  }
  void fractional_bounds(const AtomsView& a, const BoxData& box, double lo[3],
                         double hi[3]) override {
    reduce_fractional_bounds(a, box, lo, hi, temp_);
  }
  StepCheck check_step(const AtomsView& a, const AtomsView& before, const BoxData& box) override {
    return reduce_step_check(a, before, box, temp_);
  }

  std::int64_t count_neighbors(const AtomsView& a, const BoxData& box, const BinGrid& g,
                               NeighborScratch& s, Buffer<std::int64_t>& offsets) override {
    return build_neighbor_counts(a, box, g, s, offsets);
  }
  void fill_neighbors(const AtomsView& a, const BoxData& box, const BinGrid& g, NeighborScratch& s,
                      const std::int64_t* offsets, int* index, std::int32_t* image) override {
    launch_fill_neighbors(a, box, g, s, offsets, index, image);
  }

  void pair_forces(const PairTableView& t, const AtomsView& a, const NeighborView& nl,
                   const BoxData& box, double* energy, double* virial6) override {
    launch_pair_forces(t, a, nl, box, energy, virial6);
  }

  double sum(const double* values, std::size_t n) override { return reduce_sum(values, n, temp_); }

private:
  Buffer<std::uint8_t> temp_{Space::Device, 0};  // CUB storage of the reductions, grow-only
};

}  // namespace

std::unique_ptr<Backend> make_cuda_backend() { return std::make_unique<CudaBackend>(); }

}  // namespace mdgpu::cuda
