// Energy, per-atom energies, forces and virial of a NequIP model, in float32 or float64 network
// precision; geometry, linear accumulation, scale/shift and the energy sums stay in float64 as in
// nequip. Forces come from a hand-written backward pass; the per-edge radial MLP is recomputed in
// the backward pass instead of stored, so memory stays O(atoms × features + edges × basis).
//
// The evaluation runs where its kernels run (kernels/nequip_kernels.hpp): on the host with OpenMP,
// or on a CUDA device, reading and writing arrays in that memory space; the model's weights are
// uploaded there once and the work buffers grow with the atoms and edges but are not reallocated
// per evaluation.
#pragma once

#include <memory>

#include "core/box.hpp"
#include "core/box_data.hpp"
#include "kernels/memory.hpp"
#include "kernels/nequip_kernels.hpp"
#include "kernels/views.hpp"
#include "model/nequip_model.hpp"

namespace mdgpu {

// Arrays in the evaluator's memory space; `neighbors` is a full list with cut-off >= r_max.
// `type` holds model type indices, or indices into `type_map` (model types) when that is given.
struct NequipInput {
  int n = 0;
  const double *x = nullptr, *y = nullptr, *z = nullptr;
  const int* type = nullptr;
  NeighborView neighbors;
  BoxData box;
  const int* type_map = nullptr;
};

struct NequipOutput {
  double energy = 0.0;  // eV
  Mat3 virial{};        // eV, -dE/d(strain), symmetric
  double *fx = nullptr, *fy = nullptr, *fz = nullptr;  // n each, overwritten (eV/Å), evaluator's space
  double* per_atom_energy = nullptr;                    // optional, n, evaluator's space
};

class NequipEvaluator {
public:
  virtual ~NequipEvaluator() = default;
  virtual void evaluate(const NequipInput& in, NequipOutput& out) = 0;
};

// On the host (Space::Host) or the CUDA device (Space::Device; RuntimeFailure without the CUDA
// backend). `model` must outlive the evaluator.
std::unique_ptr<NequipEvaluator> make_nequip_evaluator(const NequipModel& model, bool float64,
                                                       Space space = Space::Host);

// With the given kernels (e.g. the device's item kernels run on the host, for conformance tests).
template <class T>
std::unique_ptr<NequipEvaluator> make_nequip_evaluator(const NequipModel& model,
                                                       std::unique_ptr<nequip::Kernels<T>> kernels);

}  // namespace mdgpu
