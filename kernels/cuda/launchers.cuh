// Host-side launchers of the CUDA backend, one group per .cu file. They take the same views and
// small structs as Backend (all pointers to device memory) and hold no CUDA types, so the
// backend class stays a thin forwarder.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "kernels/backend.hpp"

namespace mdgpu::cuda {

// integrate.cu
void launch_kick(const AtomsView& a, double dt);
void launch_drift(const AtomsView& a, double dt);
void launch_scale_velocities(const AtomsView& a, double factor);
void launch_langevin(const AtomsView& a, double c1, double kT, std::uint64_t seed,
                     std::uint64_t step);
void launch_wrap(const AtomsView& a, const BoxData& box);

// reduce.cu: results come back to the host (synchronising); `temp` is grow-only scratch.
std::array<double, 6> reduce_kinetic_tensor(const AtomsView& a, Buffer<std::uint8_t>& temp);
double reduce_max_displacement_sq(const AtomsView& a, const double* rx, const double* ry,
                                  const double* rz, Buffer<std::uint8_t>& temp);
void reduce_fractional_bounds(const AtomsView& a, const BoxData& box, double lo[3], double hi[3],
                              Buffer<std::uint8_t>& temp);
StepCheck reduce_step_check(const AtomsView& a, const AtomsView& before, const BoxData& box,
                            Buffer<std::uint8_t>& temp);
double reduce_sum(const double* values, std::size_t n, Buffer<std::uint8_t>& temp);

// neighbor.cu
std::int64_t build_neighbor_counts(const AtomsView& a, const BoxData& box, const BinGrid& g,
                                   NeighborScratch& s, Buffer<std::int64_t>& offsets);
void launch_fill_neighbors(const AtomsView& a, const BoxData& box, const BinGrid& g,
                           const NeighborScratch& s, const std::int64_t* offsets, int* index,
                           std::int32_t* image);

// pair.cu
void launch_pair_forces(const PairTableView& t, const AtomsView& a, const NeighborView& nl,
                        const BoxData& box, double* energy, double* virial6);

}  // namespace mdgpu::cuda
