// NequIP as an mdgpu Potential: maps the system's species onto the model's types and runs the
// evaluator on the host. On a device backend the positions and neighbor list are copied to the
// host and the forces back (the device-resident network is issue 6's work).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/system.hpp"
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

private:
  Backend& backend_;
  NequipModel model_;
  std::unique_ptr<NequipEvaluator> evaluator_;
  std::vector<int> model_type_;  // system type -> model type
  std::string description_;
  // Host copies (used as staging when the backend lives on a device).
  std::vector<double> x_, y_, z_, fx_, fy_, fz_, energy_;
  std::vector<int> type_, system_type_;
  std::vector<std::int64_t> offsets_;
  std::vector<int> index_;
  std::vector<std::int32_t> image_;
};

}  // namespace mdgpu
