// The whole of a deferred MD step (engine/simulation.hpp) recorded once and replayed as one launch
// (Backend::record: a CUDA graph): the guard's copies, velocity Verlet's kicks and drift, the
// neighbor list's device update and the forces-only evaluation (issued into the recording, not
// replayed from a recording of its own) and the guard's look into its verdict log. A step can be
// recorded when its device work asks the host nothing and is the same every time: a deferred
// step (Integrator::device_only) whose integrator does the same work at every step
// (Integrator::same_work_every_step) and that reads no energy, of a replayable potential, while the list
// decides on the device (ForceComputer::recordable). It is recorded at the second such step in a
// row with the same inputs (the first may grow buffers, which a recording may not) and replayed
// while they stay the same: the atoms' buffers, the list's host build, the cell and the stage
// (its time step), with no device memory freed since the recording (Replay::valid). Any other
// step is issued as it comes. What the recorded calls did on the host is done again at each
// replay by the components that did it (ForceComputer::step_replayed); the guard's and the
// integrator's host parts run outside the recorded work (StepGuard::check).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "engine/forces.hpp"

namespace mdgpu {

class StepReplay {
public:
  explicit StepReplay(ForceComputer& forces) : forces_(forces) {}

  // Off: every step issued as it comes (the path a replay must agree with, for comparisons).
  void set_enabled(bool on);
  // Runs `step`, the device work of a step whose evaluation is `forces`' compute(atoms, box,
  // false) in stage `stage`: issued, recorded and launched, or launched as recorded.
  // `recordable`: the caller's part of the conditions (a deferred step that reads no energy).
  void run(const std::function<void()>& step, bool recordable, const AtomsView& atoms, const Box& box,
           std::size_t stage);
  // The state went back to an earlier step (a rewind): start over.
  void forget();
  std::int64_t replays() const { return replays_; }  // steps run from a recording so far

private:
  struct Key {
    AtomsView atoms;  // every buffer of the atoms, not only those the evaluation reads
    ForceComputer::Inputs forces;
    std::size_t stage = 0;
    bool operator==(const Key& o) const;
  };

  ForceComputer& forces_;
  bool enabled_ = true;
  std::optional<Key> issued_;  // the last step, when it was a recordable one issued as it came
  std::unique_ptr<Replay> replay_;
  Key recorded_;
  std::int64_t replays_ = 0;
};

}  // namespace mdgpu
