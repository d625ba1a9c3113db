// The MD core's work items — one atom each — as functors over the MDGPU_HD bodies, for an
// executor to run (kernels/md_backend.hpp): integrator steps, the reductions the engine reads
// back (kinetic tensor, largest displacement, fractional extent, the step guard), the neighbor
// build and the pair forces.
#pragma once

#include <cstdint>

#include "kernels/committee_bodies.hpp"
#include "kernels/fixed_sums.hpp"
#include "kernels/guard_bodies.hpp"
#include "kernels/integrate_bodies.hpp"
#include "kernels/neighbor_bodies.hpp"
#include "kernels/pair_bodies.hpp"
#include "kernels/thermostat_bodies.hpp"

namespace mdgpu::md_items {

struct Kick {
  AtomsView a;
  double dt;
  MDGPU_HD void operator()(std::int64_t i) const { kick_atom(a, static_cast<int>(i), dt); }
};

struct Drift {
  AtomsView a;
  double dt;
  MDGPU_HD void operator()(std::int64_t i) const { drift_atom(a, static_cast<int>(i), dt); }
};

struct ScaleVelocity {
  AtomsView a;
  double factor;
  MDGPU_HD void operator()(std::int64_t i) const { scale_velocity_atom(a, static_cast<int>(i), factor); }
};

struct MapPositions {
  AtomsView a;
  LinearMap map;
  MDGPU_HD void operator()(std::int64_t i) const { linear_map_atom(a.x, a.y, a.z, static_cast<int>(i), map); }
};

struct MapVelocities {
  AtomsView a;
  LinearMap map;
  MDGPU_HD void operator()(std::int64_t i) const { linear_map_atom(a.vx, a.vy, a.vz, static_cast<int>(i), map); }
};

// v *= *factor, a factor left in memory by an earlier kernel (ChainHalfStep).
struct ScaleVelocityBy {
  AtomsView a;
  const double* factor;
  MDGPU_HD void operator()(std::int64_t i) const { scale_velocity_atom(a, static_cast<int>(i), *factor); }
};

// One item: half a step of the chain, coupled to the kinetic tensor's energy; its factor to *factor.
struct ChainHalfStep {
  NoseHooverChainState* chain;
  const Sums<6>* kinetic;
  int dof;
  double kT, dt;
  double* factor;
  MDGPU_HD void operator()(std::int64_t) const {
    *factor = chain_half_step(*chain, 2.0 * kinetic_energy_of(*kinetic), dof, kT, dt);
  }
};

// One item: *heat += the kinetic energy of kinetic[0] less that of kinetic[1].
struct AddHeat {
  const Sums<6>* kinetic;
  double* heat;
  MDGPU_HD void operator()(std::int64_t) const { *heat += kinetic_energy_of(kinetic[0]) - kinetic_energy_of(kinetic[1]); }
};

// The random stream is keyed by (seed, atom, step), not by thread: every executor draws the same.
struct Langevin {
  AtomsView a;
  double c1, kT;
  std::uint64_t seed, step;
  MDGPU_HD void operator()(std::int64_t i) const { langevin_atom(a, static_cast<int>(i), c1, kT, seed, step); }
};

struct Wrap {
  AtomsView a;
  BoxData box;
  MDGPU_HD void operator()(std::int64_t i) const { wrap_atom(a, static_cast<int>(i), box); }
};

struct KineticTensorOf {
  AtomsView a;
  MDGPU_HD Sums<6> operator()(std::int64_t i) const {
    Sums<6> t;
    kinetic_tensor_atom(a, static_cast<int>(i), t.v);
    return t;
  }
};

struct Value {
  const double* values;
  MDGPU_HD double operator()(std::int64_t i) const { return values[i]; }
};

// The comparison std::max makes.
struct Max {
  MDGPU_HD double operator()(double l, double r) const { return l < r ? r : l; }
};

struct DisplacementSqOf {
  AtomsView a;
  const double *rx, *ry, *rz;
  MDGPU_HD double operator()(std::int64_t i) const { return displacement_sq_atom(a, static_cast<int>(i), rx, ry, rz); }
};

struct Bounds {
  double lo[3], hi[3];
};

// The comparisons std::min and std::max make.
struct MergeBounds {
  MDGPU_HD Bounds operator()(const Bounds& l, const Bounds& r) const {
    Bounds b;
    for (int k = 0; k < 3; ++k) {
      b.lo[k] = r.lo[k] < l.lo[k] ? r.lo[k] : l.lo[k];
      b.hi[k] = l.hi[k] < r.hi[k] ? r.hi[k] : l.hi[k];
    }
    return b;
  }
};

struct FractionalOf {
  AtomsView a;
  BoxData box;
  MDGPU_HD Bounds operator()(std::int64_t i) const {
    const double r[3] = {a.x[i], a.y[i], a.z[i]};
    Bounds b;
    box_to_frac(box, r, b.lo);
    for (int k = 0; k < 3; ++k) b.hi[k] = b.lo[k];
    return b;
  }
};

struct CheckOf {
  AtomsView a, before;
  BoxData box;
  MDGPU_HD StepCheck operator()(std::int64_t i) const { return check_atom(a, before, box, static_cast<int>(i)); }
};

struct MergeChecks {
  MDGPU_HD StepCheck operator()(const StepCheck& l, const StepCheck& r) const { return merge_checks(l, r); }
};

struct AppendVerdict {  // one item
  VerdictLog* log;
  MDGPU_HD void operator()(std::int64_t) const { append_verdict(log); }
};

struct CommitteeAtom {
  CommitteeView c;
  AtomsView a;
  double* energy;
  double* dev;
  bool mean;
  MDGPU_HD void operator()(std::int64_t i) const { committee_atom(c, a, energy, dev, mean, static_cast<int>(i)); }
};

struct DeviationOf {
  const double* dev;
  MDGPU_HD CommitteeDeviation operator()(std::int64_t i) const { return {dev[i], dev[i], static_cast<int>(i)}; }
};

struct MergeDeviations {
  MDGPU_HD CommitteeDeviation operator()(const CommitteeDeviation& l, const CommitteeDeviation& r) const {
    return merge_deviations(l, r);
  }
};

struct BinOf {
  AtomsView a;
  BinGrid g;
  BoxData box;
  int* bin;
  MDGPU_HD void operator()(std::int64_t i) const { bin[i] = bin_of_atom(g, box, a.x[i], a.y[i], a.z[i]); }
};

// Item p: the position of the p-th atom in bin order.
struct GatherBinned {
  AtomsView a;
  const int* bin_atoms;
  double* bin_xyz;
  MDGPU_HD void operator()(std::int64_t p) const {
    const int j = bin_atoms[p];
    bin_xyz[3 * p] = a.x[j];
    bin_xyz[3 * p + 1] = a.y[j];
    bin_xyz[3 * p + 2] = a.z[j];
  }
};

struct CountNeighbors {
  AtomsView a;
  BinGrid g;
  BoxData box;
  BinnedAtoms bins;
  std::int64_t* counts;
  MDGPU_HD void operator()(std::int64_t i) const {
    counts[i] = neighbors_of_atom(g, box, a.x, a.y, a.z, bins, static_cast<int>(i), nullptr, nullptr, 0);
  }
};

// Atom i's neighbors from index[offsets[i]] on (offsets from the counts).
struct FillNeighbors {
  AtomsView a;
  BinGrid g;
  BoxData box;
  BinnedAtoms bins;
  const std::int64_t* offsets;
  int* index;
  std::int32_t* image;
  MDGPU_HD void operator()(std::int64_t i) const {
    neighbors_of_atom(g, box, a.x, a.y, a.z, bins, static_cast<int>(i), index + offsets[i], image + offsets[i],
                      offsets[i + 1] - offsets[i]);
  }
};

// Atom i's neighbors, as many as fit, into row i of `capacity` slots, and all of them counted:
// the count and the fill in one pass.
struct FillRows {
  AtomsView a;
  BinGrid g;
  BoxData box;
  BinnedAtoms bins;
  std::int64_t capacity;
  int* index;
  std::int32_t* image;
  std::int64_t* counts;
  MDGPU_HD void operator()(std::int64_t i) const {
    counts[i] = neighbors_of_atom(g, box, a.x, a.y, a.z, bins, static_cast<int>(i), index + i * capacity,
                                  image + i * capacity, capacity);
  }
};

// The list rebuilt on the device (NeighborList, deferred mode): each item of a rebuild kernel
// runs only when the step's displacement check, left in device memory at `moved_sq`, exceeds
// the allowed displacement (squared) — the host's rebuild decision, taken on the device.
template <class F>
struct WhenMoved {
  const double* moved_sq;
  double allowed_sq;
  F f;
  MDGPU_HD void operator()(std::int64_t i) const {
    if (*moved_sq > allowed_sq) f(i);
  }
};

// The fill into a list of `capacity` slots: when the counted rows need more, the overflow flag
// is raised instead (the steps from here on are void until the host rebuilds and redoes them).
struct FillWithin {
  FillNeighbors fill;
  std::int64_t capacity;
  std::int32_t* overflow;
  MDGPU_HD void operator()(std::int64_t i) const {
    if (fill.offsets[fill.a.n] > capacity) *overflow = 1;
    else fill(i);
  }
};

// While the overflow flag is up, every row is empty: nothing reads beyond the list's slots.
struct EmptyOnOverflow {
  const std::int32_t* overflow;
  std::int64_t* offsets;
  MDGPU_HD void operator()(std::int64_t i) const {
    if (*overflow) offsets[i + 1] = 0;
  }
};

// The positions the list was built from, and (item 0) one more build counted.
struct KeepReference {
  AtomsView a;
  double *rx, *ry, *rz;
  std::int64_t* builds;
  MDGPU_HD void operator()(std::int64_t i) const {
    rx[i] = a.x[i], ry[i] = a.y[i], rz[i] = a.z[i];
    if (i == 0) ++*builds;
  }
};

struct RowLength {
  const std::int64_t* counts;
  MDGPU_HD double operator()(std::int64_t i) const { return static_cast<double>(counts[i]); }
};

template <class Ev, bool kTally>
struct PairForces {
  PairTable<Ev> t;
  AtomsView a;
  NeighborView nl;
  BoxData box;
  double *energy, *virial6;
  MDGPU_HD void operator()(std::int64_t i) const {
    pair_forces_atom<Ev, kTally>(t, a, nl, box, static_cast<int>(i), energy, virial6);
  }
};

// Over a half list: acc[0..2] stand for fx, fy, fz and, with kTally, acc[3] for the per-atom
// energy (for_each_private).
template <class Ev, bool kTally>
struct PairForcesHalf {
  PairTable<Ev> t;
  AtomsView a;
  NeighborView nl;
  BoxData box;
  double* virial6;
  MDGPU_HD void operator()(std::int64_t i, double* const* acc) const {
    const PairAccumulators to{acc[0], acc[1], acc[2], kTally ? acc[3] : nullptr};
    pair_forces_half_atom<Ev, kTally>(t, a, nl, box, static_cast<int>(i), to, virial6);
  }
};

}  // namespace mdgpu::md_items
