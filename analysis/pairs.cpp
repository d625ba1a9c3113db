#include "analysis/pairs.hpp"

#include <algorithm>
#include <limits>

#include "core/errors.hpp"
#include "kernels/host/host_backend.hpp"

namespace mdgpu {

PairFinder::PairFinder(double cutoff)
    : cutoff2_(cutoff * cutoff),
      host_(make_host_backend(0)),
      list_(std::make_unique<NeighborList>(*host_, cutoff, 0.0)) {}

PairFinder::~PairFinder() = default;

void PairFinder::build(const System& system) {
  atoms_ = std::make_unique<Atoms>(Space::Host, system);
  view_ = atoms_->view();
  box_ = system.box.data();
  list_->update(view_, system.box, true);
}

double mean_nearest_neighbor_distance(const System& system, int type) {
  std::vector<int> members;
  for (std::size_t i = 0; i < system.size(); ++i)
    if (system.type[i] == type) members.push_back(static_cast<int>(i));
  if (members.empty()) throw RuntimeFailure("nearest-neighbour distance of an absent species");
  // Grow the search radius until every atom of the species has found a partner; beyond the
  // atoms' extent plus the periodic lattice vectors there is none to find.
  double limit = 0.0;
  for (const std::vector<double>* c :
       {&system.positions.x, &system.positions.y, &system.positions.z}) {
    const auto [lo, hi] = std::minmax_element(c->begin(), c->end());
    limit += *hi - *lo;
  }
  for (int k = 0; k < 3; ++k) {
    const Vec3& v = system.box.cell()[k];
    if (system.box.periodic()[k]) limit += std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  }
  for (double cutoff = 4.0;; cutoff *= 2.0) {
    std::vector<double> nearest(system.size(), std::numeric_limits<double>::infinity());
    PairFinder pairs(cutoff);
    pairs.build(system);
    pairs.for_each([&](int i, int j, double r) {
      if (system.type[i] == type && system.type[j] == type) nearest[i] = std::min(nearest[i], r);
    });
    double sum = 0.0;
    bool all = true;
    for (int i : members) all = all && std::isfinite(nearest[i]), sum += nearest[i];
    if (all) return sum / members.size();
    if (cutoff > limit)
      throw InputError(system.species[type],
                       "an atom of this species has no partner of its kind "
                       "at any distance; give nn_distance");
  }
}

}  // namespace mdgpu
