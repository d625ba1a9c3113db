// Integrator kernels: one thread per atom, each calling its body in kernels/integrate_bodies.hpp.
#include "kernels/cuda/launchers.cuh"

#include "kernels/cuda/launch.cuh"
#include "kernels/integrate_bodies.hpp"

namespace mdgpu::cuda {
namespace {

__global__ void kick_kernel(AtomsView a, double dt) {
  const int i = item_index(a.n);
  if (i >= 0) kick_atom(a, i, dt);
}

__global__ void drift_kernel(AtomsView a, double dt) {
  const int i = item_index(a.n);
  if (i >= 0) drift_atom(a, i, dt);
}

__global__ void scale_velocity_kernel(AtomsView a, double factor) {
  const int i = item_index(a.n);
  if (i >= 0) scale_velocity_atom(a, i, factor);
}

// The random stream is keyed by (seed, atom, step), not by thread: the same deviates as the host.
__global__ void langevin_kernel(AtomsView a, double c1, double kT, std::uint64_t seed,
                                std::uint64_t step) {
  const int i = item_index(a.n);
  if (i >= 0) langevin_atom(a, i, c1, kT, seed, step);
}

__global__ void wrap_kernel(AtomsView a, BoxData box) {
  const int i = item_index(a.n);
  if (i >= 0) wrap_atom(a, i, box);
}

}  // namespace

void launch_kick(const AtomsView& a, double dt) { launch(kick_kernel, a.n, a, dt); }

void launch_drift(const AtomsView& a, double dt) { launch(drift_kernel, a.n, a, dt); }

void launch_scale_velocities(const AtomsView& a, double factor) {
  launch(scale_velocity_kernel, a.n, a, factor);
}

void launch_langevin(const AtomsView& a, double c1, double kT, std::uint64_t seed,
                     std::uint64_t step) {
  launch(langevin_kernel, a.n, a, c1, kT, seed, step);
}

void launch_wrap(const AtomsView& a, const BoxData& box) { launch(wrap_kernel, a.n, a, box); }

}  // namespace mdgpu::cuda
