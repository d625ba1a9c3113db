// What every interatomic potential provides to the engine. Implementations keep their weights
// and scratch in the backend's memory space and launch their kernels on it.
#pragma once

#include <memory>
#include <string>

#include "core/box.hpp"
#include "kernels/views.hpp"

namespace mdgpu {

struct ForceResult {
  double energy = 0.0;  // eV
  Mat3 virial{};        // eV, W = -dE/d(strain) (= sum r ⊗ F for pair forces)
  bool tallied = true;  // false: a forces-only call (compute_forces) left energy and virial out
};

class Potential {
public:
  virtual ~Potential() = default;
  virtual std::string describe() const = 0;
  virtual double cutoff() const = 0;  // Å; the neighbor list is built with cutoff + skin
  // Whether this potential wants each pair listed once (Newton's third law) rather than twice;
  // ForceComputer builds the list it asks for (NeighborView::half says which it got).
  virtual bool wants_half_list() const { return false; }
  // Overwrites atoms.f{x,y,z} with the forces (eV/Å) and returns energy and virial.
  // When per_atom_energy is given (n doubles in the backend's space) it receives E_i.
  virtual ForceResult compute(const AtomsView& atoms, const NeighborView& neighbors, const Box& box,
                              double* per_atom_energy = nullptr) = 0;
  // The same forces, for a step that reads no energy or virial. A potential that has them at no
  // extra cost keeps this default (tallied); pair potentials skip them (not tallied, and
  // per_atom_energy left as it was): about a third of their work.
  virtual ForceResult compute_forces(const AtomsView& atoms, const NeighborView& neighbors, const Box& box,
                                     double* per_atom_energy) {
    return compute(atoms, neighbors, box, per_atom_energy);
  }
  // Whether compute_forces can be recorded once and replayed (Backend::record) for as long as its
  // arguments stay the same (buffers, sizes, cell): called again with them, it issues the same
  // device work, which neither synchronises nor allocates, and it keeps no host-side result. A
  // check it defers (check_deferred) is a flag in device memory, which a replay raises as the
  // issued work would: nothing is left for the host to redo after a replay.
  virtual bool replayable() const { return false; }
  // Reads the checks that evaluations left on the device instead of synchronising for them
  // (NequIP's reverse edges); throws RuntimeFailure for a failed one. The step guard calls it
  // whenever it reads its own verdicts.
  virtual void check_deferred() {}
  // Whether an evaluation since the last call outgrew the room that it sized without reading a
  // count back (allowed where NeighborView::deferred says its steps can be redone): those steps
  // are void, their forces wrong. Makes more room and clears the flag; one copy to the host. The
  // step guard's void check calls it (engine/simulation.cpp).
  virtual bool settle() { return false; }
};

}  // namespace mdgpu
