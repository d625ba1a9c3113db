#include "engine/forces.hpp"

namespace mdgpu {

bool ForceComputer::Inputs::operator==(const Inputs& o) const {
  const AtomsView &a = atoms, &b = o.atoms;
  if (a.n != b.n || a.x != b.x || a.y != b.y || a.z != b.z || a.fx != b.fx || a.fy != b.fy || a.fz != b.fz ||
      a.type != b.type)
    return false;
  if (list.n != o.list.n || list.half != o.list.half || list.offsets != o.list.offsets ||
      list.index != o.list.index || list.image != o.list.image || list.pairs != o.list.pairs ||
      list.order != o.list.order || list.deferred != o.list.deferred || builds != o.builds)
    return false;
  for (int i = 0; i < 3; ++i) {
    if (box.periodic[i] != o.box.periodic[i]) return false;
    for (int j = 0; j < 3; ++j)
      if (box.h[i][j] != o.box.h[i][j] || box.hinv[i][j] != o.box.hinv[i][j]) return false;
  }
  return true;
}

// A non-finite result is not caught here but by the instability guard (engine/step_guard.hpp),
// which names the atom.
const ForceResult& ForceComputer::compute(AtomsView atoms, const Box& box, bool tally) {
  neighbors_.update(atoms, box);
  per_atom_energy_.resize(atoms.n);
  if (!tally) return compute_forces(atoms, box);
  last_ = potential_.compute(atoms, neighbors_.view(), box, per_atom_energy_.data());
  return last_;
}

ForceComputer::Inputs ForceComputer::inputs(const AtomsView& atoms, const Box& box) const {
  return {atoms, neighbors_.view(), neighbors_.host_builds(), box.data()};
}

bool ForceComputer::recordable(const AtomsView& atoms, const Box& box) const {
  return potential_.replayable() && neighbors_.decides_on_device(atoms, box);
}

std::unique_ptr<Replay> ForceComputer::record_step(const std::function<void()>& step) {
  recording_step_ = true;
  const struct Done {
    bool& recording;
    ~Done() { recording = false; }
  } done{recording_step_};
  return backend_.record(step);
}

void ForceComputer::step_replayed() {
  neighbors_.device_update_replayed();
  last_ = step_result_;
}

const ForceResult& ForceComputer::compute_forces(const AtomsView& atoms, const Box& box) {
  auto evaluate = [&] {
    last_ = potential_.compute_forces(atoms, neighbors_.view(), box, per_atom_energy_.data());
  };
  if (recording_step_) {
    evaluate();
    step_result_ = last_;
    return last_;
  }
  const Inputs inputs = this->inputs(atoms, box);
  if (!potential_.replayable() || !(inputs == replay_inputs_)) {
    replay_.reset();
    replay_inputs_ = inputs;
    evaluate();
    return last_;
  }
  if (replay_ && !replay_->valid()) replay_.reset();  // e.g. an evaluation with energies grew a scratch
  if (!replay_) {
    replay_ = backend_.record(evaluate);
    if (!replay_) {  // the backend does not record
      evaluate();
      return last_;
    }
    replay_result_ = last_;
  }
  replay_->run();
  ++replays_;
  last_ = replay_result_;
  return last_;
}

}  // namespace mdgpu
