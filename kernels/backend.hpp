// One kernel interface, two platforms (the OpenMM pattern), both ExecBackend (kernels/md_backend.hpp)
// over an executor: OpenMP loops on the host, one CUDA thread per item on the device. Arguments are
// plain views and small structs; buffers belong to the caller and live in space().
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/box_data.hpp"
#include "kernels/committee_bodies.hpp"
#include "kernels/guard_bodies.hpp"
#include "kernels/integrate_bodies.hpp"
#include "kernels/memory.hpp"
#include "kernels/pair_evaluators.hpp"
#include "kernels/thermostat_bodies.hpp"
#include "kernels/views.hpp"

namespace mdgpu {

// Scratch of the neighbor build, kept between builds so they do not allocate.
struct NeighborScratch {
  Buffer<int> atom_bin;   // n
  Buffer<int> bin_atoms;  // n, atom indices sorted by bin (stable)
  Buffer<int> bin_start;  // bins + 1
  Buffer<double> bin_xyz; // 3 n, the positions in bin_atoms' order (x y z per atom): the
                          // candidates of a bin are read from consecutive memory
  Buffer<std::int64_t> counts;  // n, neighbors per atom
  std::int64_t row_capacity = 0;  // slots per atom for the next one-pass build (0: count first)
};

// What the device tells of the neighbor builds it decided itself (Backend::rebuild_neighbors_if),
// read by the host when it reads the guard's verdicts.
struct DeviceBuilds {
  std::int64_t builds = 0;     // rebuilds run on the device since the host last read this
  std::int32_t overflow = 0;   // sticky: a rebuild needed more slots than the list has
};

// The list a device rebuild writes: CSR rows in `capacity` slots, the reference positions and
// the flags.
struct DeviceListTarget {
  std::int64_t* offsets;
  int* index;
  std::int32_t* image;
  std::int64_t capacity;
  double *ref_x, *ref_y, *ref_z;
  DeviceBuilds* flags;
};

// Device work recorded once and run again as recorded (a CUDA graph): the same kernels on the
// same buffers with the same arguments, reading whatever the buffers hold when it runs.
class Replay {
public:
  virtual ~Replay() = default;
  virtual void run() = 0;
  // False once device memory was freed after the recording (a buffer grown elsewhere, a CUB
  // scratch by a larger reduction): the recording may name freed memory, record again.
  virtual bool valid() const = 0;
};

class Backend {
public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  virtual Space space() const = 0;
  virtual std::string describe() const = 0;  // device or thread count, for the run header

  // --- integrator ---
  virtual void kick(const AtomsView& a, double dt) = 0;
  virtual void drift(const AtomsView& a, double dt) = 0;
  virtual void scale_velocities(const AtomsView& a, double factor) = 0;
  // r <- r · m and v <- v · m for every atom (kernels/integrate_bodies.hpp): the barostat's moves.
  virtual void map_positions(const AtomsView& a, const LinearMap& m) = 0;
  virtual void map_velocities(const AtomsView& a, const LinearMap& m) = 0;
  // --- thermostats, their state in space() (kernels/thermostat_bodies.hpp): nothing is read back ---
  // Half a step of the chain `*chain` (one, in space()) coupled to the atoms' kinetic energy of
  // `dof` degrees of freedom at target kT (eV), the velocities then scaled by its factor.
  virtual void nose_hoover_half_step(const AtomsView& a, NoseHooverChainState* chain, int dof, double kT,
                                     double dt) = 0;
  // Langevin's "O" step, its random numbers keyed by (seed, atom, step); the kinetic energy it
  // takes from the atoms is added to *heat (one double in space()).
  virtual void langevin(const AtomsView& a, double c1, double kT, std::uint64_t seed, std::uint64_t step,
                        double* heat) = 0;
  virtual void wrap(const AtomsView& a, const BoxData& box) = 0;
  // Sum over atoms of m v⊗v (xx yy zz xy xz yz), eV.
  virtual std::array<double, 6> kinetic_tensor(const AtomsView& a) = 0;
  // Largest squared distance of any atom from (rx, ry, rz).
  virtual double max_displacement_sq(const AtomsView& a, const double* rx, const double* ry,
                                     const double* rz) = 0;
  // The same, written to `out` (one double in space()) without synchronisation.
  virtual void max_displacement_sq_into(const AtomsView& a, const double* rx, const double* ry,
                                        const double* rz, double* out) = 0;
  // Fractional-coordinate extent of the atoms: lo[k], hi[k] over all atoms.
  virtual void fractional_bounds(const AtomsView& a, const BoxData& box, double lo[3],
                                 double hi[3]) = 0;
  // The instability guard's look at a finished step (kernels/guard_bodies.hpp); `before` holds
  // the positions and image counters the step started from.
  virtual StepCheck check_step(const AtomsView& a, const AtomsView& before, const BoxData& box) = 0;
  // The same look, its verdict appended to `log` (one in space(), kernels/guard_bodies.hpp): on
  // the device no synchronisation, so that verdicts can be read back several steps at a time,
  // and the same arguments every step, so that a step can be recorded.
  virtual void log_step_check(const AtomsView& a, const AtomsView& before, const BoxData& box,
                              VerdictLog* log) = 0;

  // --- a committee of potentials (kernels/committee_bodies.hpp) ---
  // With `mean`, the members' mean force and per-atom energy replace member 0's in `a` and
  // `per_atom_energy`; with `dev`, the force deviation of each atom into it (n, in space()) and
  // its largest value, atom and sum returned (else nothing is reduced).
  virtual CommitteeDeviation combine_committee(const CommitteeView& c, const AtomsView& a, double* per_atom_energy,
                                               double* dev, bool mean) = 0;

  // --- neighbor list: bin, sort, count, scan, fill ---
  // Sorts atoms into bins and writes the CSR list: `offsets` (n + 1 row starts), `index` and
  // `image` (resized here). Returns the number of entries.
  virtual std::int64_t build_neighbors(const AtomsView& a, const BoxData& box, const BinGrid& g,
                                       NeighborScratch& s, Buffer<std::int64_t>& offsets, Buffer<int>& index,
                                       Buffer<std::int32_t>& image) = 0;

  // The rebuild decided on the device: wrap, bin, sort, count, scan and fill into `to` run only
  // when *moved_sq > allowed_sq (in every step, so that the work is the same with or without a
  // rebuild and no value comes to the host). `g` and `s` are those of the last host build (the
  // cell unchanged since). The sort and the scan are CUB calls, which run unpredicated on what
  // the last rebuild left (the same result again); a rebuild that needs more than
  // `to.capacity` slots raises to.flags->overflow and leaves every row empty.
  virtual void rebuild_neighbors_if(const double* moved_sq, double allowed_sq, const AtomsView& a, const BoxData& box,
                                    const BinGrid& g, NeighborScratch& s, const DeviceListTarget& to) = 0;

  // --- pair potentials: one overload per evaluator kind (kernels/pair_evaluators.hpp) ---
  // Forces into a.f*, per-atom energy (n) and per-atom virial (6 n, component-major); with
  // energy == nullptr (virial6 too) the forces alone, bitwise the same.
  virtual void pair_forces(const PairTable<LennardJones>& t, const AtomsView& a, const NeighborView& nl,
                           const BoxData& box, double* energy, double* virial6) = 0;
  virtual void pair_forces(const PairTable<Morse>& t, const AtomsView& a, const NeighborView& nl,
                           const BoxData& box, double* energy, double* virial6) = 0;

  // --- reductions (deterministic for a given backend and size) ---
  virtual double sum(const double* values, std::size_t n) = 0;

  // --- replays ---
  // The device work that `work` issues, recorded without running it; null where the backend
  // cannot record (the host), `work` then not called. `work` must neither synchronise nor
  // allocate (the CUDA backend throws RuntimeFailure if it does, and records nothing).
  virtual std::unique_ptr<Replay> record(const std::function<void()>& work) = 0;
};

// "cpu", "cuda" or "auto" (CUDA when built and a device is visible, else CPU).
// Throws InputError for an unknown name and RuntimeFailure when "cuda" cannot be had.
// `threads` = host threads for the CPU backend (0 = all cores).
std::unique_ptr<Backend> make_backend(const std::string& name, int threads = 0);

// Whether a CUDA device can be used by this build, and if not, why (for test skips and logs).
bool cuda_available(std::string* why_not = nullptr);

// With several GPUs per machine (the LAMMPS pair style, one rank per GPU): how many this process
// sees (0 in a build without CUDA), and which one its CUDA work goes to, chosen before any of it.
int cuda_device_count();
void use_cuda_device(int ordinal);

}  // namespace mdgpu
