// The MD core's Backend for any executor: every call is a loop of work items
// (kernels/md_items.hpp) or a reduction over them, run by Exec — OmpExec on the host
// (kernels/host/omp_exec.hpp), CudaExec on the device (kernels/cuda/cuda_exec.cuh). The same
// executors run the NequIP item kernels, so the engine has one way to launch a kernel.
#pragma once

#include <string>
#include <utility>

#include "core/errors.hpp"
#include "kernels/backend.hpp"
#include "kernels/md_items.hpp"

namespace mdgpu {

template <class Exec>
class ExecBackend final : public Backend {
public:
  ExecBackend(std::string name, Exec exec = Exec{}) : name_(std::move(name)), exec_(std::move(exec)) {}

  std::string name() const override { return name_; }
  Space space() const override { return exec_.space(); }
  std::string describe() const override { return exec_.describe(); }

  void kick(const AtomsView& a, double dt) override { exec_.for_each(a.n, md_items::Kick{a, dt}, kLightItems); }
  void drift(const AtomsView& a, double dt) override { exec_.for_each(a.n, md_items::Drift{a, dt}, kLightItems); }
  void scale_velocities(const AtomsView& a, double factor) override {
    exec_.for_each(a.n, md_items::ScaleVelocity{a, factor}, kLightItems);
  }
  void map_positions(const AtomsView& a, const LinearMap& m) override {
    exec_.for_each(a.n, md_items::MapPositions{a, m}, kLightItems);
  }
  void map_velocities(const AtomsView& a, const LinearMap& m) override {
    exec_.for_each(a.n, md_items::MapVelocities{a, m}, kLightItems);
  }
  void langevin(const AtomsView& a, double c1, double kT, std::uint64_t seed, std::uint64_t step) override {
    exec_.for_each(a.n, md_items::Langevin{a, c1, kT, seed, step}, kLightItems);
  }
  void wrap(const AtomsView& a, const BoxData& box) override {
    exec_.for_each(a.n, md_items::Wrap{a, box}, kLightItems);
  }
  std::array<double, 6> kinetic_tensor(const AtomsView& a) override {
    const Sums<6> t = exec_.template sum<Sums<6>>(a.n, md_items::KineticTensorOf{a});
    return {t.v[0], t.v[1], t.v[2], t.v[3], t.v[4], t.v[5]};
  }
  double max_displacement_sq(const AtomsView& a, const double* rx, const double* ry, const double* rz) override {
    return exec_.reduce(a.n, 0.0, md_items::DisplacementSqOf{a, rx, ry, rz}, md_items::Max{});
  }
  void fractional_bounds(const AtomsView& a, const BoxData& box, double lo[3], double hi[3]) override {
    const md_items::Bounds none{{1e300, 1e300, 1e300}, {-1e300, -1e300, -1e300}};
    const md_items::Bounds b = exec_.reduce(a.n, none, md_items::FractionalOf{a, box}, md_items::MergeBounds{});
    for (int k = 0; k < 3; ++k) lo[k] = b.lo[k], hi[k] = b.hi[k];
  }
  StepCheck check_step(const AtomsView& a, const AtomsView& before, const BoxData& box) override {
    return exec_.reduce(a.n, StepCheck{}, md_items::CheckOf{a, before, box}, md_items::MergeChecks{});
  }

  std::int64_t count_neighbors(const AtomsView& a, const BoxData& box, const BinGrid& g, NeighborScratch& s,
                               Buffer<std::int64_t>& offsets) override {
    const int n = a.n, nbins = g.total();
    // Scratch made by a caller that did not know the backend starts out on the host.
    s.atom_bin.set_space(space());
    s.bin_atoms.set_space(space());
    s.bin_start.set_space(space());
    s.counts.set_space(space());
    offsets.set_space(space());
    s.atom_bin.resize(n);
    s.bin_atoms.resize(n);
    s.bin_start.resize(nbins + 1);
    s.counts.resize(n);
    offsets.resize(n + 1);
    exec_.for_each(n, md_items::BinOf{a, g, box, s.atom_bin.data()}, kLightItems);
    exec_.sort_by_key(s.atom_bin.data(), n, nbins, s.bin_atoms.data(), s.bin_start.data());
    exec_.for_each(n, md_items::CountNeighbors{a, g, box, s.bin_start.data(), s.bin_atoms.data(), s.counts.data()},
                   kNeighborItems);
    return exec_.rows(s.counts.data(), n, offsets.data());
  }
  void fill_neighbors(const AtomsView& a, const BoxData& box, const BinGrid& g, NeighborScratch& s,
                      const std::int64_t* offsets, int* index, std::int32_t* image) override {
    exec_.for_each(a.n,
                   md_items::FillNeighbors{a, g, box, s.bin_start.data(), s.bin_atoms.data(), offsets, index, image},
                   kNeighborItems);
  }

  void pair_forces(const PairTable<LennardJones>& t, const AtomsView& a, const NeighborView& nl, const BoxData& box,
                   double* energy, double* virial6) override {
    pair_forces_of(t, a, nl, box, energy, virial6);
  }
  void pair_forces(const PairTable<Morse>& t, const AtomsView& a, const NeighborView& nl, const BoxData& box,
                   double* energy, double* virial6) override {
    pair_forces_of(t, a, nl, box, energy, virial6);
  }

  double sum(const double* values, std::size_t n) override {
    return exec_.template sum<double>(static_cast<std::int64_t>(n), md_items::Value{values});
  }

private:
  template <class Ev>
  void pair_forces_of(const PairTable<Ev>& t, const AtomsView& a, const NeighborView& nl, const BoxData& box,
                      double* energy, double* virial6) {
    if (!nl.half) {
      exec_.for_each(a.n, md_items::PairForces<Ev>{t, a, nl, box, energy, virial6}, kNeighborItems);
      return;
    }
    if constexpr (Exec::kPrivateAccumulators) {
      double* const out[4] = {a.fx, a.fy, a.fz, energy};
      exec_.for_each_private(a.n, out, md_items::PairForcesHalf<Ev>{t, a, nl, box, virial6});
    } else {
      throw RuntimeFailure("the " + name_ + " backend takes full neighbor lists only");
    }
  }

  std::string name_;
  Exec exec_;
};

}  // namespace mdgpu
