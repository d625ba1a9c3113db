// One NequIP evaluation on a backend's own atoms and neighbor list (device arrays on the GPU or
// the emulated one, nothing staged), through an evaluator made by the test (its own kernels).
#pragma once

#include <algorithm>
#include <vector>

#include "engine/atoms.hpp"
#include "engine/neighbor_list.hpp"
#include "tests/backends.hpp"
#include "tests/nequip_fixture.hpp"

namespace mdgpu::test {

inline Evaluation evaluate_on(Backend& backend, NequipEvaluator& ev, const NequipModel& model, const System& system) {
  Atoms atoms(backend.space(), system);
  AtomsView view = atoms.view();
  NeighborList list(backend, model.r_max, 0.4);
  list.update(view, system.box, true);
  const int n = static_cast<int>(system.size());
  std::vector<int> model_type;  // the system's species (first-seen order) -> the model's
  for (const auto& species : system.species)
    model_type.push_back(static_cast<int>(std::find(model.type_names.begin(), model.type_names.end(), species) -
                                          model.type_names.begin()));
  Buffer<int> type_map(backend.space(), model_type.size());
  type_map.upload(model_type);
  Buffer<double> per_atom(backend.space(), system.size());
  NequipInput in{n, view.x, view.y, view.z, view.type, list.view(), system.box.data(), type_map.data()};
  NequipOutput out;
  out.fx = view.fx;
  out.fy = view.fy;
  out.fz = view.fz;
  out.per_atom_energy = per_atom.data();
  ev.evaluate(in, out);
  Vec3Array f;
  atoms.download_forces(f);
  Evaluation e;
  e.energy = out.energy;
  e.virial = out.virial;
  e.per_atom = per_atom.to_host();
  e.fx = f.x;
  e.fy = f.y;
  e.fz = f.z;
  return e;
}

}  // namespace mdgpu::test
