// Reductions over atoms with CUB. DeviceReduce has no atomics and a fixed tree for a given
// device and size, so results are run-to-run deterministic. Min and max are exact, so they match
// the host whenever the per-atom values do; sums differ from the host's by rounding (other order).
#include "kernels/cuda/launchers.cuh"

#include <cub/device/device_reduce.cuh>
#include <thrust/iterator/counting_iterator.h>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/cuda_memory.hpp"
#include "kernels/guard_bodies.hpp"
#include "kernels/integrate_bodies.hpp"

namespace mdgpu::cuda {
namespace {

// `temp` holds the device-side result in its first bytes, then CUB's temporary storage (CUB
// wants that 256-byte aligned, and cudaMalloc returns at least that alignment).
constexpr std::size_t kResultSlot = 256;

// `run(temp_storage, temp_bytes, out)` is one CUB call: a size query when temp_storage is null.
template <class T, class Run>
T reduce_to_host(Buffer<std::uint8_t>& temp, Run run) {
  static_assert(sizeof(T) <= kResultSlot, "result does not fit its slot");
  std::size_t bytes = 0;
  MDGPU_CUDA_CHECK(run(nullptr, bytes, static_cast<T*>(nullptr)));
  temp.resize(kResultSlot + bytes);
  T* out = reinterpret_cast<T*>(temp.data());
  MDGPU_CUDA_CHECK(run(temp.data() + kResultSlot, bytes, out));
  T result;
  copy(&result, false, out, true, sizeof(T));
  return result;
}

struct Sym6 {
  double v[6];
};

struct AddSym6 {
  __host__ __device__ Sym6 operator()(const Sym6& l, const Sym6& r) const {
    Sym6 s;
    for (int c = 0; c < 6; ++c) s.v[c] = l.v[c] + r.v[c];
    return s;
  }
};

struct KineticTensorOf {
  AtomsView a;
  __device__ Sym6 operator()(int i) const {
    Sym6 t;
    kinetic_tensor_atom(a, i, t.v);
    return t;
  }
};

// The comparison std::max makes on the host.
struct Max {
  __host__ __device__ double operator()(double l, double r) const { return l < r ? r : l; }
};

struct DisplacementSqOf {
  AtomsView a;
  const double *rx, *ry, *rz;
  __device__ double operator()(int i) const { return displacement_sq_atom(a, i, rx, ry, rz); }
};

struct Bounds {
  double lo[3], hi[3];
};

struct MergeBounds {
  __host__ __device__ Bounds operator()(const Bounds& l, const Bounds& r) const {
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
  __device__ Bounds operator()(int i) const {
    const double r[3] = {a.x[i], a.y[i], a.z[i]};
    Bounds b;
    box_to_frac(box, r, b.lo);
    for (int k = 0; k < 3; ++k) b.hi[k] = b.lo[k];
    return b;
  }
};

struct MergeChecks {
  __host__ __device__ StepCheck operator()(const StepCheck& l, const StepCheck& r) const {
    return merge_checks(l, r);
  }
};

struct CheckOf {
  AtomsView a, before;
  BoxData box;
  __device__ StepCheck operator()(int i) const { return check_atom(a, before, box, i); }
};

// cub::DeviceReduce::TransformReduce over atom indices 0..n-1.
template <class T, class Op, class Transform>
T transform_reduce(int n, Op op, Transform f, T init, Buffer<std::uint8_t>& temp) {
  if (n <= 0) return init;
  const thrust::counting_iterator<int> atoms(0);
  return reduce_to_host<T>(temp, [&](void* storage, std::size_t& bytes, T* out) {
    return cub::DeviceReduce::TransformReduce(storage, bytes, atoms, out, n, op, f, init);
  });
}

}  // namespace

std::array<double, 6> reduce_kinetic_tensor(const AtomsView& a, Buffer<std::uint8_t>& temp) {
  const Sym6 t = transform_reduce(a.n, AddSym6{}, KineticTensorOf{a}, Sym6{}, temp);
  return {t.v[0], t.v[1], t.v[2], t.v[3], t.v[4], t.v[5]};
}

double reduce_max_displacement_sq(const AtomsView& a, const double* rx, const double* ry,
                                  const double* rz, Buffer<std::uint8_t>& temp) {
  return transform_reduce(a.n, Max{}, DisplacementSqOf{a, rx, ry, rz}, 0.0, temp);
}

void reduce_fractional_bounds(const AtomsView& a, const BoxData& box, double lo[3], double hi[3],
                              Buffer<std::uint8_t>& temp) {
  // Same empty-input sentinels as the host backend.
  const Bounds none{{1e300, 1e300, 1e300}, {-1e300, -1e300, -1e300}};
  const Bounds b = transform_reduce(a.n, MergeBounds{}, FractionalOf{a, box}, none, temp);
  for (int k = 0; k < 3; ++k) lo[k] = b.lo[k], hi[k] = b.hi[k];
}

StepCheck reduce_step_check(const AtomsView& a, const AtomsView& before, const BoxData& box,
                            Buffer<std::uint8_t>& temp) {
  return transform_reduce(a.n, MergeChecks{}, CheckOf{a, before, box}, StepCheck{}, temp);
}

double reduce_sum(const double* values, std::size_t n, Buffer<std::uint8_t>& temp) {
  if (n == 0) return 0.0;
  return reduce_to_host<double>(temp, [&](void* storage, std::size_t& bytes, double* out) {
    return cub::DeviceReduce::Sum(storage, bytes, values, out, n);
  });
}

}  // namespace mdgpu::cuda
