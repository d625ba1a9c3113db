#include "model/nequip_potential.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace mdgpu {

NequipPotential::NequipPotential(const std::string& model_file, const std::string& precision,
                                 const System& system, Backend& backend)
    : model_(NequipModel::load(model_file)), model_type_(backend.space(), 0), space_(backend.space()) {
  std::vector<int> model_type;
  for (const auto& species : system.species) {
    const auto it = std::find(model_.type_names.begin(), model_.type_names.end(), species);
    if (it == model_.type_names.end())
      throw InputError(model_file, fmt::format("the model has no species '{}' (it knows {})", species,
                                               fmt::join(model_.type_names, ", ")));
    model_type.push_back(static_cast<int>(it - model_.type_names.begin()));
  }
  model_type_.upload(model_type);
  evaluator_ = make_nequip_evaluator(model_, precision == "float64", backend.space());
  // The system's species of the model's (a foundation model knows ~90).
  description_ = fmt::format("NequIP {} ({} layers, species {} of the model's {}, r_max {} Å, {}; {})", model_file,
                             model_.layers.size(), fmt::join(system.species, " "), model_.type_names.size(), model_.r_max,
                             precision, model_.provenance.empty() ? "no provenance" : model_.provenance);
}

ForceResult NequipPotential::compute(const AtomsView& atoms, const NeighborView& neighbors,
                                     const Box& box, double* per_atom_energy) {
  return evaluate(atoms, neighbors, box, per_atom_energy, true);
}

ForceResult NequipPotential::compute_forces(const AtomsView& atoms, const NeighborView& neighbors,
                                            const Box& box, double* per_atom_energy) {
  return evaluate(atoms, neighbors, box, per_atom_energy, space_ == Space::Host);
}

ForceResult NequipPotential::evaluate(const AtomsView& atoms, const NeighborView& neighbors, const Box& box,
                                      double* per_atom_energy, bool tally) {
  NequipInput in{atoms.n, atoms.x, atoms.y, atoms.z, atoms.type, neighbors, box.data(), model_type_.data()};
  NequipOutput out;
  out.tally = tally;
  out.fx = atoms.fx;
  out.fy = atoms.fy;
  out.fz = atoms.fz;
  out.per_atom_energy = per_atom_energy;
  evaluator_->evaluate(in, out);
  return {out.energy, out.virial, tally};
}

}  // namespace mdgpu
