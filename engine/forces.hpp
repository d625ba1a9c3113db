// Keeps the neighbor list current and evaluates the potential: the "F" of every integrator.
#pragma once

#include <functional>
#include <memory>

#include "engine/neighbor_list.hpp"
#include "model/potential.hpp"

namespace mdgpu {

class ForceComputer {
public:
  ForceComputer(Backend& backend, Potential& potential, double skin)
      : backend_(backend), potential_(potential),
        neighbors_(backend, potential.cutoff(), skin, potential.wants_half_list()),
        per_atom_energy_(backend.space(), 0) {}

  // Updates the neighbor list if needed, then the forces in `atoms`; returns energy and virial.
  // tally = false: the step reads no energy or virial, which the potential may then skip
  // (Potential::compute_forces; ForceResult::tallied says whether it did). Such a forces-only
  // evaluation of a replayable potential on a device that records (a CUDA graph) is recorded at
  // its second call with the same inputs (the first may grow buffers, which a recording may not)
  // and launched as that graph from then on, until an input changes: the atoms' buffers, the
  // list (a rebuild) or the cell; it is recorded again if device memory was freed meanwhile.
  const ForceResult& compute(AtomsView atoms, const Box& box, bool tally = true);
  const ForceResult& last() const { return last_; }
  const Buffer<double>& per_atom_energy() const { return per_atom_energy_; }
  NeighborList& neighbors() { return neighbors_; }
  Potential& potential() { return potential_; }

  // Forces-only evaluations run by a replay of their own so far (for tests and counts).
  std::int64_t replays() const { return replays_; }

  // What a forces-only evaluation's device work depends on besides the potential itself.
  struct Inputs {
    AtomsView atoms;
    NeighborView list;
    std::int64_t builds = -1;  // host builds
    BoxData box{};
    bool operator==(const Inputs& o) const;
  };
  Inputs inputs(const AtomsView& atoms, const Box& box) const;

  // A whole step that computes the forces (engine/step_replay.hpp). `recordable`: whether a
  // forces-only compute() would now issue device work alone (a replayable potential, the list
  // deciding on the device). record_step records `step`, whose compute(..., false) issues its
  // evaluation directly into that recording (a recording cannot hold another); null where the
  // backend does not record. step_replayed: a replay of it ran, and what the compute did on the
  // host is done again: the list's device update counted, the result as recorded. (A replayable
  // potential keeps no host-side result: nothing of its own to redo.)
  bool recordable(const AtomsView& atoms, const Box& box) const;
  std::unique_ptr<Replay> record_step(const std::function<void()>& step);
  void step_replayed();

private:
  const ForceResult& compute_forces(const AtomsView& atoms, const Box& box);

  Backend& backend_;
  Potential& potential_;
  NeighborList neighbors_;
  Buffer<double> per_atom_energy_;
  ForceResult last_;
  Inputs replay_inputs_;           // of the last forces-only evaluation
  std::unique_ptr<Replay> replay_;  // its recording, once made
  ForceResult replay_result_;
  std::int64_t replays_ = 0;
  bool recording_step_ = false;  // inside record_step
  ForceResult step_result_;      // the evaluation's result in the step recorded last
};

}  // namespace mdgpu
