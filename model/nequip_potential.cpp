#include "model/nequip_potential.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "engine/errors.hpp"

namespace mdgpu {
namespace {

template <class T>
void download(std::vector<T>& host, Space space, const T* src, std::size_t n) {
  host.resize(n);
  space_copy(Space::Host, host.data(), space, src, n * sizeof(T));
}

}  // namespace

NequipPotential::NequipPotential(const std::string& model_file, const std::string& precision,
                                 const System& system, Backend& backend)
    : backend_(backend), model_(NequipModel::load(model_file)) {
  for (const auto& species : system.species) {
    const auto it = std::find(model_.type_names.begin(), model_.type_names.end(), species);
    if (it == model_.type_names.end())
      throw InputError(model_file, fmt::format("the model has no species '{}' (it knows {})", species,
                                               fmt::join(model_.type_names, ", ")));
    model_type_.push_back(static_cast<int>(it - model_.type_names.begin()));
  }
  evaluator_ = make_nequip_evaluator(model_, precision == "float64");
  description_ = fmt::format("NequIP {} ({} layers, species {}, r_max {} Å, {}; {})", model_file,
                             model_.layers.size(), fmt::join(model_.type_names, " "), model_.r_max,
                             precision, model_.provenance.empty() ? "no provenance" : model_.provenance);
}

ForceResult NequipPotential::compute(const AtomsView& atoms, const NeighborView& neighbors,
                                     const Box& box, double* per_atom_energy) {
  const Space space = backend_.space();
  const auto n = static_cast<std::size_t>(atoms.n);
  download(x_, space, atoms.x, n);
  download(y_, space, atoms.y, n);
  download(z_, space, atoms.z, n);
  download(system_type_, space, atoms.type, n);
  type_.resize(n);
  for (std::size_t i = 0; i < n; ++i) type_[i] = model_type_[static_cast<std::size_t>(system_type_[i])];
  download(offsets_, space, neighbors.offsets, n + 1);
  const auto pairs = static_cast<std::size_t>(offsets_[n]);
  download(index_, space, neighbors.index, pairs);
  download(image_, space, neighbors.image, pairs);
  fx_.resize(n);
  fy_.resize(n);
  fz_.resize(n);
  energy_.resize(n);

  NequipInput in;
  in.n = atoms.n;
  in.x = x_.data();
  in.y = y_.data();
  in.z = z_.data();
  in.type = type_.data();
  in.neighbors = {atoms.n, offsets_.data(), index_.data(), image_.data()};
  in.box = box.data();
  NequipOutput out;
  out.fx = fx_.data();
  out.fy = fy_.data();
  out.fz = fz_.data();
  out.per_atom_energy = energy_.data();
  evaluator_->evaluate(in, out);

  space_copy(space, atoms.fx, Space::Host, fx_.data(), n * sizeof(double));
  space_copy(space, atoms.fy, Space::Host, fy_.data(), n * sizeof(double));
  space_copy(space, atoms.fz, Space::Host, fz_.data(), n * sizeof(double));
  if (per_atom_energy) space_copy(space, per_atom_energy, Space::Host, energy_.data(), n * sizeof(double));
  return {out.energy, out.virial};
}

}  // namespace mdgpu
