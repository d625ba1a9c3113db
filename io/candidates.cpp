#include "io/candidates.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/hdf5_file.hpp"
#include "io/extxyz.hpp"

namespace mdgpu {

CandidateFrames::CandidateFrames(const CandidatesSpec& spec, const CommitteePotential& committee, std::int64_t every,
                                 bool resume)
    : TextOutput("output.candidates", spec.path, resume), spec_(spec), committee_(committee), every_(every) {}

void CandidateFrames::observe(const Snapshot& snapshot) {
  const CommitteeStats& c = committee_.stats();
  if (!c.fresh) throw std::logic_error("output.candidates observed a step that evaluated no committee spread");
  const ThermoSample& t = snapshot.thermo();
  const System& system = snapshot.system();
  if (spec_.stop_above && c.max_force_dev >= spec_.upper)
    throw RuntimeFailure(fmt::format(
        "step {} (stage '{}', t = {} ps): atom {} ({}) has a committee force deviation of {:.6g} eV/Å, at or above "
        "output.candidates.upper = {} eV/Å with stop_above = true: the models disagree, the configuration is far "
        "from their training data; the run stopped (the last checkpoint, trajectory frames and candidates are kept)",
        t.step, t.stage, t.time, c.max_atom + 1, system.species[system.type[c.max_atom]], c.max_force_dev,
        spec_.upper));
  if (c.max_force_dev < spec_.lower || c.max_force_dev >= spec_.upper) return;
  if (last_ >= 0 && t.step - last_ < spec_.min_spacing) return;
  FrameExtras extras;
  extras.step = t.step;
  extras.time = t.time;
  extras.velocities = false;
  extras.info = {{"max_force_dev", fmt::format("{}", c.max_force_dev)},
                 {"max_force_dev_atom", fmt::format("{}", c.max_atom + 1)},
                 {"mean_force_dev", fmt::format("{}", c.mean_force_dev)},
                 {"energy_dev_per_atom", fmt::format("{}", c.energy_dev_per_atom)}};
  extras.columns.push_back({"force_dev", 1, &snapshot.force_deviation()});
  file().write(extxyz_frame(system, extras));
  last_ = t.step;
}

void CandidateFrames::save_state(h5::File& file, const std::string& group) const {
  TextOutput::save_state(file, group);
  file.set_attr(group, "last_candidate_step", last_);
}

void CandidateFrames::restore_state(const h5::File& file, const std::string& group) {
  TextOutput::restore_state(file, group);
  last_ = file.attr_int(group, "last_candidate_step");
}

}  // namespace mdgpu
