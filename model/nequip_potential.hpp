// NequIP as an mdgpu Potential: maps the system's species onto the model's types and runs the
// evaluator where the backend keeps the atoms — on the host, or on the CUDA device, where it
// reads the atoms' device arrays and the device neighbor list and writes the forces in place
// (nothing is staged through the host; only the energy and virial come back).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/system.hpp"
#include "kernels/backend.hpp"
#include "model/nequip_evaluator.hpp"
#include "model/potential.hpp"

namespace mdgpu {

class NequipPotential final : public Potential {
public:
  // Throws InputError when the model file is bad or `system` has a species the model lacks.
  NequipPotential(const std::string& model_file, const std::string& precision, const System& system,
                  Backend& backend);

  std::string describe() const override { return description_; }
  double cutoff() const override { return model_.r_max; }
  ForceResult compute(const AtomsView& atoms, const NeighborView& neighbors, const Box& box,
                      double* per_atom_energy) override;
  // On the device the energy and virial cost a synchronisation each: a step that reads neither
  // leaves them out (not tallied). On the host they cost next to nothing and stay in (tallied),
  // so that the step guard looks at the energy of every step, as it always did there.
  bool replayable() const override { return true; }  // a forces-only evaluation reads nothing back
  void check_deferred() override { evaluator_->check_deferred(); }
  bool settle() override { return evaluator_->settle(); }  // NequipEvaluator::settle
  void limit_edge_slots_for_tests(std::int64_t slots) { evaluator_->limit_edge_slots_for_tests(slots); }
  ForceResult compute_forces(const AtomsView& atoms, const NeighborView& neighbors, const Box& box,
                             double* per_atom_energy) override;

private:
  NequipModel model_;
  std::unique_ptr<NequipEvaluator> evaluator_;
  Buffer<int> model_type_;  // system type -> model type, in the backend's space
  std::string description_;
  Space space_;

  ForceResult evaluate(const AtomsView& atoms, const NeighborView& neighbors, const Box& box,
                       double* per_atom_energy, bool tally);
};

}  // namespace mdgpu
