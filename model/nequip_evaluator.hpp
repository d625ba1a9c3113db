// Energy, per-atom energies, forces and virial of a NequIP model on the host (OpenMP over atoms),
// in float32 or float64 network precision; scale/shift and the energy sums stay in float64 as in
// nequip. Forces come from a hand-written backward pass; the per-edge radial MLP is recomputed
// in the backward pass instead of stored, so memory stays O(atoms × features + edges × basis).
#pragma once

#include <memory>

#include "engine/box.hpp"
#include "kernels/box_data.hpp"
#include "kernels/views.hpp"
#include "model/nequip_model.hpp"

namespace mdgpu {

// Host arrays; `type` holds model type indices; `neighbors` is a full list with cut-off >= r_max.
struct NequipInput {
  int n = 0;
  const double *x = nullptr, *y = nullptr, *z = nullptr;
  const int* type = nullptr;
  NeighborView neighbors;
  BoxData box;
};

struct NequipOutput {
  double energy = 0.0;  // eV
  Mat3 virial{};        // eV, -dE/d(strain), symmetric
  double *fx = nullptr, *fy = nullptr, *fz = nullptr;  // n each, overwritten (eV/Å)
  double* per_atom_energy = nullptr;                    // optional, n
};

class NequipEvaluator {
public:
  virtual ~NequipEvaluator() = default;
  virtual void evaluate(const NequipInput& in, NequipOutput& out) = 0;
};

std::unique_ptr<NequipEvaluator> make_nequip_evaluator(const NequipModel& model, bool float64);

}  // namespace mdgpu
