// Every pair of atoms within a cut-off, periodic images included (triclinic cells, cells
// narrower than twice the cut-off): the engine's host neighbor list on a copy of the atoms.
// Shared by the RDF, the motif and profile analyses and the nearest-neighbour distance.
#pragma once

#include <cmath>
#include <memory>
#include <vector>

#include "engine/atoms.hpp"
#include "engine/neighbor_list.hpp"
#include "core/system.hpp"
#include "kernels/neighbor_bodies.hpp"

namespace mdgpu {

class PairFinder {
public:
  explicit PairFinder(double cutoff);
  ~PairFinder();

  // Lists the pairs of `system` as it is now (a copy is wrapped; `system` is not changed).
  void build(const System& system);

  // visit(i, j, r) for every ordered pair (i, j) — both directions, each image of j separately —
  // with r the distance (Å), in a fixed order.
  template <class Visit>
  void for_each(Visit&& visit) const {
    const NeighborView nl = list_->view();
    const AtomsView& a = view_;
    for (int i = 0; i < nl.n; ++i)
      for (std::int64_t p = nl.offsets[i]; p < nl.offsets[i + 1]; ++p) {
        double d[3];
        neighbor_vector(nl, box_, a.x, a.y, a.z, i, p, d);
        const double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        if (r2 < cutoff2_) visit(i, nl.index[p], std::sqrt(r2));
      }
  }

private:
  double cutoff2_;
  std::unique_ptr<Backend> host_;
  std::unique_ptr<NeighborList> list_;
  std::unique_ptr<Atoms> atoms_;
  AtomsView view_;
  BoxData box_{};
};

// Mean over the atoms of `type` of the distance to their nearest other atom of that type (its own
// periodic images count), Å.
double mean_nearest_neighbor_distance(const System& system, int type);

}  // namespace mdgpu
