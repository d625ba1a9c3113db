// The MD core's Backend for any executor: every call is a loop of work items
// (kernels/md_items.hpp) or a reduction over them, run by Exec — OmpExec on the host
// (kernels/host/omp_exec.hpp), CudaExec on the device (kernels/cuda/cuda_exec.cuh). The same
// executors run the NequIP item kernels, so the engine has one way to launch a kernel.
#pragma once

#include <string>
#include <type_traits>
#include <utility>

#include "core/errors.hpp"
#include "kernels/backend.hpp"
#include "kernels/md_items.hpp"

namespace mdgpu {

// Whether the executor can record device work for replays (Exec::record).
template <class E, class = void>
struct Records : std::false_type {};
template <class E>
struct Records<E, std::void_t<decltype(&E::record)>> : std::true_type {};

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
  void nose_hoover_half_step(const AtomsView& a, NoseHooverChainState* chain, int dof, double kT,
                             double dt) override {
    Sums<6>* kinetic = thermostat_scratch();
    exec_.template sum_into<Sums<6>>(a.n, md_items::KineticTensorOf{a}, kinetic);
    double* factor = reinterpret_cast<double*>(kinetic + 1);
    exec_.for_each(1, md_items::ChainHalfStep{chain, kinetic, dof, kT, dt, factor}, kLightItems);
    exec_.for_each(a.n, md_items::ScaleVelocityBy{a, factor}, kLightItems);
  }
  void langevin(const AtomsView& a, double c1, double kT, std::uint64_t seed, std::uint64_t step,
                double* heat) override {
    Sums<6>* kinetic = thermostat_scratch();  // before, after
    exec_.template sum_into<Sums<6>>(a.n, md_items::KineticTensorOf{a}, kinetic);
    exec_.for_each(a.n, md_items::Langevin{a, c1, kT, seed, step}, kLightItems);
    exec_.template sum_into<Sums<6>>(a.n, md_items::KineticTensorOf{a}, kinetic + 1);
    exec_.for_each(1, md_items::AddHeat{kinetic, heat}, kLightItems);
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
  void max_displacement_sq_into(const AtomsView& a, const double* rx, const double* ry, const double* rz,
                                double* out) override {
    exec_.reduce_into(a.n, 0.0, md_items::DisplacementSqOf{a, rx, ry, rz}, md_items::Max{}, out);
  }
  void fractional_bounds(const AtomsView& a, const BoxData& box, double lo[3], double hi[3]) override {
    const md_items::Bounds none{{1e300, 1e300, 1e300}, {-1e300, -1e300, -1e300}};
    const md_items::Bounds b = exec_.reduce(a.n, none, md_items::FractionalOf{a, box}, md_items::MergeBounds{});
    for (int k = 0; k < 3; ++k) lo[k] = b.lo[k], hi[k] = b.hi[k];
  }
  StepCheck check_step(const AtomsView& a, const AtomsView& before, const BoxData& box) override {
    return exec_.reduce(a.n, StepCheck{}, md_items::CheckOf{a, before, box}, md_items::MergeChecks{});
  }
  void log_step_check(const AtomsView& a, const AtomsView& before, const BoxData& box, VerdictLog* log) override {
    exec_.reduce_into(a.n, StepCheck{}, md_items::CheckOf{a, before, box}, md_items::MergeChecks{}, &log->latest);
    exec_.for_each(1, md_items::AppendVerdict{log}, kLightItems);
  }

  CommitteeDeviation combine_committee(const CommitteeView& c, const AtomsView& a, double* per_atom_energy,
                                       double* dev, bool mean) override {
    exec_.for_each(a.n, md_items::CommitteeAtom{c, a, per_atom_energy, dev, mean}, kLightItems);
    if (!dev) return {};
    return exec_.reduce(a.n, CommitteeDeviation{}, md_items::DeviationOf{dev}, md_items::MergeDeviations{});
  }

  std::int64_t build_neighbors(const AtomsView& a, const BoxData& box, const BinGrid& g, NeighborScratch& s,
                               Buffer<std::int64_t>& offsets, Buffer<int>& index, Buffer<std::int32_t>& image) override {
    const int n = a.n, nbins = g.total();
    // Scratch made by a caller that did not know the backend starts out on the host.
    s.atom_bin.set_space(space());
    s.bin_atoms.set_space(space());
    s.bin_start.set_space(space());
    s.bin_xyz.set_space(space());
    s.counts.set_space(space());
    offsets.set_space(space());
    s.atom_bin.resize(n);
    s.bin_atoms.resize(n);
    s.bin_start.resize(nbins + 1);
    s.bin_xyz.resize(3 * static_cast<std::size_t>(n));
    s.counts.resize(n);
    offsets.resize(n + 1);
    exec_.for_each(n, md_items::BinOf{a, g, box, s.atom_bin.data()}, kLightItems);
    exec_.sort_by_key(s.atom_bin.data(), n, nbins, s.bin_atoms.data(), s.bin_start.data());
    exec_.for_each(n, md_items::GatherBinned{a, s.bin_atoms.data(), s.bin_xyz.data()}, kLightItems);
    const BinnedAtoms bins = bins_of(s);
    std::int64_t* const counts = s.counts.data();

    bool counted = false;
    if constexpr (Exec::kPacksRowsInPlace) {
      // One pass (count and fill together) into rows of what the last build's longest row needed,
      // then the rows packed. Only a row that outgrew its slots costs a second pass.
      const std::int64_t cap = s.row_capacity;
      if (cap > 0) {
        index.resize(static_cast<std::size_t>(n) * cap);
        image.resize(static_cast<std::size_t>(n) * cap);
        exec_.for_each(n, md_items::FillRows{a, g, box, bins, cap, index.data(), image.data(), counts}, kNeighborItems);
        counted = true;
      }
    }
    if (!counted) exec_.for_each(n, md_items::CountNeighbors{a, g, box, bins, counts}, kNeighborItems);
    const std::int64_t total = exec_.rows(counts, n, offsets.data());
    const auto longest = static_cast<std::int64_t>(exec_.reduce(n, 0.0, md_items::RowLength{counts}, md_items::Max{}));
    if constexpr (Exec::kPacksRowsInPlace) {
      const bool packed = counted && longest <= s.row_capacity;
      if (packed) {
        exec_.pack_rows(index.data(), counts, n, s.row_capacity, offsets.data());
        exec_.pack_rows(image.data(), counts, n, s.row_capacity, offsets.data());
      }
      s.row_capacity = longest + longest / 4 + 4;  // room for the rows to grow until the next build
      if (packed) {
        index.resize(total);
        image.resize(total);
        return total;
      }
    }
    index.resize(total);
    image.resize(total);
    exec_.for_each(n, md_items::FillNeighbors{a, g, box, bins, offsets.data(), index.data(), image.data()},
                   kNeighborItems);
    return total;
  }

  void rebuild_neighbors_if(const double* moved_sq, double allowed_sq, const AtomsView& a, const BoxData& box,
                            const BinGrid& g, NeighborScratch& s, const DeviceListTarget& to) override {
    const int n = a.n, nbins = g.total();
    auto when_moved = [&](const auto& item) {
      return md_items::WhenMoved<std::decay_t<decltype(item)>>{moved_sq, allowed_sq, item};
    };
    exec_.for_each(n, when_moved(md_items::Wrap{a, box}), kLightItems);
    exec_.for_each(n, when_moved(md_items::BinOf{a, g, box, s.atom_bin.data()}), kLightItems);
    exec_.sort_by_key(s.atom_bin.data(), n, nbins, s.bin_atoms.data(), s.bin_start.data());
    exec_.for_each(n, when_moved(md_items::GatherBinned{a, s.bin_atoms.data(), s.bin_xyz.data()}), kLightItems);
    const BinnedAtoms bins = bins_of(s);
    exec_.for_each(n, when_moved(md_items::CountNeighbors{a, g, box, bins, s.counts.data()}), kNeighborItems);
    exec_.rows_into(s.counts.data(), n, to.offsets);
    const md_items::FillNeighbors fill{a, g, box, bins, to.offsets, to.index, to.image};
    exec_.for_each(n, when_moved(md_items::FillWithin{fill, to.capacity, &to.flags->overflow}), kNeighborItems);
    exec_.for_each(n, md_items::EmptyOnOverflow{&to.flags->overflow, to.offsets}, kLightItems);
    exec_.for_each(n, when_moved(md_items::KeepReference{a, to.ref_x, to.ref_y, to.ref_z, &to.flags->builds}),
                   kLightItems);
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

  std::unique_ptr<Replay> record(const std::function<void()>& work) override {
    if constexpr (Records<Exec>::value) return exec_.record(work);
    else return nullptr;
  }

private:
  // Two kinetic tensors (or one and a scaling factor) in space(), kept between calls.
  Sums<6>* thermostat_scratch() {
    thermostat_.set_space(space());
    thermostat_.resize(2);
    return thermostat_.data();
  }

  static BinnedAtoms bins_of(const NeighborScratch& s) {
    return {s.bin_start.data(), s.bin_atoms.data(), s.bin_xyz.data()};
  }

  // energy == nullptr: forces only (kernels/pair_bodies.hpp, kTally).
  template <class Ev>
  void pair_forces_of(const PairTable<Ev>& t, const AtomsView& a, const NeighborView& nl, const BoxData& box,
                      double* energy, double* virial6) {
    if (energy) pair_forces_of<Ev, true>(t, a, nl, box, energy, virial6);
    else pair_forces_of<Ev, false>(t, a, nl, box, nullptr, nullptr);
  }
  template <class Ev, bool kTally>
  void pair_forces_of(const PairTable<Ev>& t, const AtomsView& a, const NeighborView& nl, const BoxData& box,
                      double* energy, double* virial6) {
    if (!nl.half) {
      exec_.for_each(a.n, md_items::PairForces<Ev, kTally>{t, a, nl, box, energy, virial6}, kNeighborItems);
      return;
    }
    if constexpr (Exec::kPrivateAccumulators) {
      const md_items::PairForcesHalf<Ev, kTally> item{t, a, nl, box, virial6};
      if constexpr (kTally) {
        double* const out[4] = {a.fx, a.fy, a.fz, energy};
        exec_.for_each_private(a.n, out, item);
      } else {
        double* const out[3] = {a.fx, a.fy, a.fz};
        exec_.for_each_private(a.n, out, item);
      }
    } else {
      throw RuntimeFailure("the " + name_ + " backend takes full neighbor lists only");
    }
  }

  std::string name_;
  Exec exec_;
  Buffer<Sums<6>> thermostat_;
};

}  // namespace mdgpu
