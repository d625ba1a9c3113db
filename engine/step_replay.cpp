#include "engine/step_replay.hpp"

namespace mdgpu {

bool StepReplay::Key::operator==(const Key& o) const {
  const AtomsView &a = atoms, &b = o.atoms;
  return a.n == b.n && a.x == b.x && a.y == b.y && a.z == b.z && a.vx == b.vx && a.vy == b.vy && a.vz == b.vz &&
         a.fx == b.fx && a.fy == b.fy && a.fz == b.fz && a.mass == b.mass && a.type == b.type && a.imx == b.imx &&
         a.imy == b.imy && a.imz == b.imz && forces == o.forces && stage == o.stage;
}

void StepReplay::set_enabled(bool on) {
  enabled_ = on;
  forget();
}

void StepReplay::forget() {
  issued_.reset();
  replay_.reset();
}

void StepReplay::run(const std::function<void()>& step, bool recordable, const AtomsView& atoms, const Box& box,
                     std::size_t stage) {
  if (!enabled_ || !recordable || !forces_.recordable(atoms, box)) {
    issued_.reset();
    step();
    return;
  }
  const Key key{atoms, forces_.inputs(atoms, box), stage};
  if (replay_ && recorded_ == key && replay_->valid()) {
    replay_->run();
    forces_.step_replayed();
    ++replays_;
    return;
  }
  replay_.reset();
  if (issued_ && *issued_ == key) {
    // Recording runs the step's host side (once, for this step) and issues no device work.
    replay_ = forces_.record_step(step);
    if (replay_) {
      recorded_ = key;
      issued_.reset();
      replay_->run();
      ++replays_;
      return;
    }
  }
  step();
  issued_ = key;
}

}  // namespace mdgpu
