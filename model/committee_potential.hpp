// A committee of potentials of the same species (e.g. NequIP models trained from different seeds
// or on different data): every member is evaluated on the same neighbor list, the atoms move on
// the members' mean or on the first member alone, and the spread of the members' forces and
// energies says how far the configuration is from what they agree on (docs/committee.md). The
// per-atom deviation stays in the backend's memory; only its maximum, mean and atom come back.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kernels/backend.hpp"
#include "model/potential.hpp"

namespace mdgpu {

// The committee's spread at the last full evaluation (CommitteePotential::compute).
struct CommitteeStats {
  bool fresh = false;                // false after a forces-only step, which evaluates no spread
  double max_force_dev = 0.0;        // eV/Å, the largest per-atom force deviation σ_i
  double mean_force_dev = 0.0;       // eV/Å, its mean over atoms
  int max_atom = -1;                 // the atom with the largest (0-based)
  double energy_dev_per_atom = 0.0;  // eV/atom, standard deviation of the members' E / n
};

class CommitteePotential final : public Potential {
public:
  // `drive_mean`: the atoms feel the members' mean force (energy and virial are the mean too),
  // else member 0's. At least one member.
  CommitteePotential(std::vector<std::unique_ptr<Potential>> members, bool drive_mean, Backend& backend);

  std::string describe() const override;
  double cutoff() const override { return cutoff_; }
  // Every member, the driving forces and the spread.
  ForceResult compute(const AtomsView& atoms, const NeighborView& neighbors, const Box& box,
                      double* per_atom_energy) override;
  // Driven by member 0: member 0 alone. Driven by the mean: every member, but no spread.
  ForceResult compute_forces(const AtomsView& atoms, const NeighborView& neighbors, const Box& box,
                             double* per_atom_energy) override;

  void check_deferred() override {
    for (auto& m : members_) m->check_deferred();
  }
  bool settle() override {  // every member's flag read and cleared
    bool outgrown = false;
    for (auto& m : members_) outgrown = m->settle() || outgrown;
    return outgrown;
  }

  const CommitteeStats& stats() const { return stats_; }
  // σ_i of each atom (eV/Å, in the backend's space) at the last compute().
  const Buffer<double>& force_deviation() const { return deviation_; }
  int size() const { return static_cast<int>(members_.size()); }

private:
  ForceResult evaluate(const AtomsView& atoms, const NeighborView& neighbors, const Box& box, double* per_atom_energy,
                       bool spread);

  std::vector<std::unique_ptr<Potential>> members_;
  bool drive_mean_;
  Backend& backend_;
  double cutoff_ = 0.0;
  Buffer<double> forces_, energies_;  // members 1..N-1 (kernels/committee_bodies.hpp)
  Buffer<double> deviation_;
  std::vector<double> member_energy_;
  CommitteeStats stats_;
};

// A committee's statistics when `potential` is one, else nullptr.
const CommitteePotential* as_committee(const Potential& potential);

}  // namespace mdgpu
