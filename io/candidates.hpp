// [output.candidates]: frames whose committee force deviation lies in [lower, upper), written as
// extended XYZ ready for DFT labelling (positions, cell, species, the per-atom deviation as
// `force_dev`, step and time; no energy or forces, which a labelling tool could take for labels),
// at least min_spacing steps apart; with stop_above, a deviation >= upper stops the run as the
// instability guard does (engine/step_guard.hpp).
#pragma once

#include <cstdint>

#include "io/candidates_spec.hpp"
#include "io/output_file.hpp"
#include "model/committee_potential.hpp"

namespace mdgpu {

class CandidateFrames final : public TextOutput {
public:
  // Looks every `every` steps (potential.every); `committee` outlives it.
  CandidateFrames(const CandidatesSpec& spec, const CommitteePotential& committee, std::int64_t every, bool resume);

  std::int64_t every() const override { return every_; }
  // Throws RuntimeFailure at a deviation >= upper with stop_above.
  void observe(const Snapshot& snapshot) override;
  // The step of the last candidate travels in the checkpoint, so min_spacing holds across a restart.
  void save_state(h5::File& file, const std::string& group) const override;
  void restore_state(const h5::File& file, const std::string& group) override;

private:
  CandidatesSpec spec_;
  const CommitteePotential& committee_;
  std::int64_t every_;
  std::int64_t last_ = -1;  // step of the last candidate written, -1 before the first
};

}  // namespace mdgpu
