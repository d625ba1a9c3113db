#include "model/committee_potential.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace mdgpu {

CommitteePotential::CommitteePotential(std::vector<std::unique_ptr<Potential>> members, bool drive_mean,
                                       Backend& backend)
    : members_(std::move(members)), drive_mean_(drive_mean), backend_(backend), forces_(backend.space(), 0),
      energies_(backend.space(), 0), deviation_(backend.space(), 0), member_energy_(members_.size()) {
  // The list must reach the longest-ranged member; each one ignores pairs beyond its own r_max.
  for (const auto& m : members_) cutoff_ = std::max(cutoff_, m->cutoff());
}

std::string CommitteePotential::describe() const {
  std::string out = fmt::format("committee of {}, the atoms driven by {}:", members_.size(),
                                drive_mean_ ? "the mean" : "the first member");
  for (std::size_t m = 0; m < members_.size(); ++m) out += fmt::format("\n  {}. {}", m + 1, members_[m]->describe());
  return out;
}

ForceResult CommitteePotential::compute(const AtomsView& atoms, const NeighborView& neighbors, const Box& box,
                                        double* per_atom_energy) {
  return evaluate(atoms, neighbors, box, per_atom_energy, true);
}

ForceResult CommitteePotential::compute_forces(const AtomsView& atoms, const NeighborView& neighbors, const Box& box,
                                               double* per_atom_energy) {
  stats_.fresh = false;
  if (!drive_mean_) return members_[0]->compute_forces(atoms, neighbors, box, per_atom_energy);
  return evaluate(atoms, neighbors, box, per_atom_energy, false);
}

ForceResult CommitteePotential::evaluate(const AtomsView& atoms, const NeighborView& neighbors, const Box& box,
                                         double* per_atom_energy, bool spread) {
  const int n = atoms.n, others = size() - 1;
  forces_.resize(3 * static_cast<std::size_t>(n) * others);
  energies_.resize(static_cast<std::size_t>(n) * others);
  // Member 0 writes where the driving potential would; the others into their slots.
  ForceResult result = members_[0]->compute(atoms, neighbors, box, per_atom_energy);
  member_energy_[0] = result.energy;
  for (int m = 1; m <= others; ++m) {
    AtomsView slot = atoms;
    double* f = forces_.data() + 3 * static_cast<std::size_t>(m - 1) * n;
    slot.fx = f, slot.fy = f + n, slot.fz = f + 2 * n;
    const ForceResult r = members_[m]->compute(slot, neighbors, box, energies_.data() + static_cast<std::size_t>(m - 1) * n);
    member_energy_[m] = r.energy;
    if (!drive_mean_) continue;
    result.energy += r.energy;
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) result.virial[a][b] += r.virial[a][b];
  }
  if (drive_mean_) {  // summed from member 0 in member order: a committee of one is its member
    result.energy /= size();
    for (auto& row : result.virial)
      for (double& v : row) v /= size();
  }
  if (spread) deviation_.resize(n);
  const CommitteeView view{n, size(), forces_.data(), energies_.data()};
  const CommitteeDeviation d =
      backend_.combine_committee(view, atoms, per_atom_energy, spread ? deviation_.data() : nullptr, drive_mean_);
  if (!spread) return result;
  stats_.fresh = true;
  stats_.max_force_dev = d.max;
  stats_.mean_force_dev = n > 0 ? d.sum / n : 0.0;
  stats_.max_atom = d.atom;
  double mean = 0.0, sq = 0.0;
  for (double e : member_energy_) mean += e / n;
  mean /= size();
  for (double e : member_energy_) sq += (e / n - mean) * (e / n - mean);
  stats_.energy_dev_per_atom = std::sqrt(sq / size());
  return result;
}

const CommitteePotential* as_committee(const Potential& potential) {
  return dynamic_cast<const CommitteePotential*>(&potential);
}

}  // namespace mdgpu
