// Pair-force kernel: one thread per atom over its row of the full neighbor list. Each atom
// writes only its own force, energy and virial, so there are no atomics and no order effects.
#include "kernels/cuda/launchers.cuh"

#include "kernels/cuda/launch.cuh"
#include "kernels/pair_bodies.hpp"

namespace mdgpu::cuda {
namespace {

__global__ void pair_forces_kernel(PairTableView t, AtomsView a, NeighborView nl, BoxData box,
                                   double* energy, double* virial6) {
  const int i = item_index(a.n);
  if (i >= 0) pair_forces_atom(t, a, nl, box, i, energy, virial6);
}

}  // namespace

void launch_pair_forces(const PairTableView& t, const AtomsView& a, const NeighborView& nl,
                        const BoxData& box, double* energy, double* virial6) {
  launch(pair_forces_kernel, a.n, t, a, nl, box, energy, virial6);
}

}  // namespace mdgpu::cuda
