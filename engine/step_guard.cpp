#include "engine/step_guard.hpp"

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/errors.hpp"

namespace mdgpu {
namespace {

template <class T>
void copy_into(Buffer<T>& to, Space space, const T* from, int n) {
  to.resize(static_cast<std::size_t>(n));
  space_copy(to.space(), to.data(), space, from, static_cast<std::size_t>(n) * sizeof(T));
}

constexpr const char* kBlewUp = "the system blew up (time step too large, overlapping atoms or a bad potential)";

std::string atom_name(const System& system, int i) {
  return fmt::format("atom {} ({})", i + 1, system.species[system.type[i]]);  // 1-based, as files
}

}  // namespace

StepGuard::StepGuard(Backend& backend, const GuardSpec& spec, Potential& potential)
    : backend_(backend), spec_(spec), potential_(potential),
      capacity_(backend.space() == Space::Device ? kPendingSteps : 1) {
  for (Buffer<double>* b : {&before_x_, &before_y_, &before_z_}) b->set_space(backend.space());
  for (Buffer<std::int32_t>* b : {&before_imx_, &before_imy_, &before_imz_}) b->set_space(backend.space());
  log_.set_space(backend.space());
  log_.resize(1);
  log_.zero();
}

void StepGuard::begin_step(const AtomsView& atoms) {
  const Space s = backend_.space();
  copy_into(before_x_, s, atoms.x, atoms.n);
  copy_into(before_y_, s, atoms.y, atoms.n);
  copy_into(before_z_, s, atoms.z, atoms.n);
  copy_into(before_imx_, s, atoms.imx, atoms.n);
  copy_into(before_imy_, s, atoms.imy, atoms.n);
  copy_into(before_imz_, s, atoms.imz, atoms.n);
}

void StepGuard::log_step(const AtomsView& atoms, const Box& box) {
  AtomsView before;
  before.n = atoms.n;
  before.x = before_x_.data(), before.y = before_y_.data(), before.z = before_z_.data();
  before.imx = before_imx_.data(), before.imy = before_imy_.data(), before.imz = before_imz_.data();
  backend_.log_step_check(atoms, before, box.data(), log_.data());
}

StepGuard::Read StepGuard::check(const ForceComputer& forces, const System& system, std::int64_t step,
                                 const std::string& stage, double time, bool read_now) {
  Pending p{step, stage, time, {}};
  // The energy is on the host already: a non-finite one is described now (its atoms' energies
  // are this step's) and read with the verdicts before it.
  const double energy = forces.last().energy;
  if (forces.last().tallied && !std::isfinite(energy)) {
    std::vector<double> per_atom;
    forces.per_atom_energy().download(per_atom);
    p.energy_failure = fmt::format("the potential energy is not finite ({}): {}", energy, kBlewUp);
    for (std::size_t i = 0; i < per_atom.size(); ++i)
      if (!std::isfinite(per_atom[i])) {
        p.energy_failure = fmt::format("{} has a non-finite potential energy ({}): {}",
                                       atom_name(system, static_cast<int>(i)), per_atom[i], kBlewUp);
        break;
      }
    read_now = true;
  }
  pending_.push_back(std::move(p));
  if (read_now || static_cast<int>(pending_.size()) == capacity_) return flush(system);
  return Read::Pending;
}

StepGuard::Read StepGuard::flush(const System& system) {
  if (pending_.empty()) return Read::Sound;
  if (void_check_ && void_check_()) {
    pending_.clear();
    clear_log();
    return Read::Void;
  }
  // The count and the pending steps' slots, in one copy.
  space_copy(Space::Host, &read_, log_.space(), log_.data(),
             offsetof(VerdictLog, slots) + pending_.size() * sizeof(StepCheck));
  clear_log();
  if (read_.count != static_cast<std::int32_t>(pending_.size()))
    throw std::logic_error(fmt::format("the device logged {} step verdicts, the host expected {}", read_.count,
                                       pending_.size()));
  std::vector<Pending> pending;
  pending.swap(pending_);
  for (std::size_t k = 0; k < pending.size(); ++k) examine(read_.slots[k], pending[k], system);
  potential_.check_deferred();
  return Read::Sound;
}

void StepGuard::clear_log() { space_zero(log_.space(), &log_.data()->count, sizeof(std::int32_t)); }

void StepGuard::fail(const Pending& p, const std::string& what) const {
  throw RuntimeFailure(fmt::format("step {} (stage '{}', t = {} ps): {}; the run stopped before "
                                   "this step reached any output (the last checkpoint and "
                                   "trajectory frames are kept)",
                                   p.step, p.stage, p.time, what));
}

void StepGuard::examine(const StepCheck& c, const Pending& p, const System& system) const {
  if (c.bad_atom >= 0) {
    std::vector<const char*> what;
    if (c.bad_what & kBadPosition) what.push_back("position");
    if (c.bad_what & kBadVelocity) what.push_back("velocity");
    if (c.bad_what & kBadForce) what.push_back("force");
    fail(p, fmt::format("{} has a non-finite {}: {}", atom_name(system, c.bad_atom), fmt::join(what, " and "),
                        kBlewUp));
  }
  if (!p.energy_failure.empty()) fail(p, p.energy_failure);
  if (c.force_sq > spec_.max_force * spec_.max_force)
    fail(p, fmt::format("{} has a force of {:.6g} eV/Å, above guard.max_force = {} eV/Å",
                        atom_name(system, c.force_atom), std::sqrt(c.force_sq), spec_.max_force));
  if (c.move_sq > spec_.max_displacement * spec_.max_displacement)
    fail(p, fmt::format("{} moved {:.6g} Å in one step, more than guard.max_displacement = {} Å",
                        atom_name(system, c.move_atom), std::sqrt(c.move_sq), spec_.max_displacement));
}

}  // namespace mdgpu
