// The instability guard: after every step, a backend reduction (no download of the atoms) looks
// for NaN/Inf in positions, velocities, forces and the energy, a force above the bound and an atom
// that moved further than allowed, and stops the run naming the step, the atom and the quantity.
// Its verdicts are read before the step's observers, so the bad state reaches no frame and no
// checkpoint.
// On the host each verdict is read at once. On the device a step's verdict stays in device memory
// and up to kPendingSteps of them are read together (one synchronisation instead of one per
// step): at the latest every kPendingSteps steps, and earlier whenever the state is about to be
// read (observers, checkpoints, a stop, the end of a stage: Simulation asks) or the neighbor list
// is about to be rebuilt (a blown-up state must not reach the binning). The first unstable step
// among them is named, as if read at once; the steps after it are lost work, not wrong output.
// The energy is looked at on every step that computed it (ForceResult::tallied): every step that
// has output, and every step of a potential whose energy comes with its forces (NequIP on the
// host). Pair potentials skip it on the other steps, where the forces stand for it: a pair energy
// is non-finite only at r² = 0 or when its steep term overflows, and that term, times 12/r² (LJ)
// or 2α/r (Morse), is a part of (dE/dr)/r too, so the force check fires (for the close encounters
// the guard is for; coefficients near 1e300 eV could overflow an energy alone). NequIP on the
// device skips it too (its reduction would synchronise): a non-finite feature feeding the energy
// feeds the backward pass as well (the gates' derivatives read the same inputs), so the forces
// turn non-finite with it; only an overflow in the output head's last sum could escape.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/atoms.hpp"
#include "engine/forces.hpp"
#include "engine/md_plan.hpp"

namespace mdgpu {

class StepGuard {
public:
  // Verdicts the device keeps before the host reads them (kernels/guard_bodies.hpp): a blown-up
  // run goes on for at most this many steps (no output) before it stops.
  static constexpr int kPendingSteps = VerdictLog::kSlots;

  // `potential`: its deferred checks (Potential::check_deferred) are read with the verdicts.
  StepGuard(Backend& backend, const GuardSpec& spec, Potential& potential);
  // A step's device work, before and after its integrator: begin_step remembers the positions and
  // image counters, log_step appends the step's verdict to the device's log. Both issue the same
  // work with the same arguments every step (a whole step can be recorded, engine/step_replay.hpp).
  void begin_step(const AtomsView& atoms);
  void log_step(const AtomsView& atoms, const Box& box);
  // What a look at the verdicts found: none read yet, all read (the steps are sound), or the
  // steps since the last read void (their verdicts dropped unread).
  enum class Read { Pending, Sound, Void };
  // Called first whenever verdicts are read; true when the steps since the last read are void (a
  // neighbor list that the device rebuilt overflowed, engine/neighbor_list.hpp, or the potential's
  // own slots did, Potential::settle).
  void set_void_check(std::function<bool()> check) { void_check_ = std::move(check); }

  // The host's part of the look at the step just taken (`step`, ending at `time` ps in `stage`),
  // after its device work however it ran (issued, or replayed as recorded): the step joins the
  // pending ones, whose verdicts are read when due. Throws RuntimeFailure when a step whose
  // verdict is read is unstable. `read_now`: the state is about to be read. `system` names the
  // atoms' species.
  Read check(const ForceComputer& forces, const System& system, std::int64_t step, const std::string& stage,
             double time, bool read_now);
  // Reads the pending verdicts; throws for the first unstable step among them. The device's count
  // of logged verdicts must be the host's of pending steps (std::logic_error otherwise).
  Read flush(const System& system);

private:
  struct Pending {
    std::int64_t step;
    std::string stage;
    double time;
    std::string energy_failure;  // the non-finite energy found at once, or empty
  };
  [[noreturn]] void fail(const Pending& p, const std::string& what) const;
  void examine(const StepCheck& c, const Pending& p, const System& system) const;
  void clear_log();  // the device's count back to zero (no synchronisation)

  Backend& backend_;
  GuardSpec spec_;
  Potential& potential_;
  int capacity_;  // kPendingSteps on the device, 1 on the host
  Buffer<double> before_x_, before_y_, before_z_;
  Buffer<std::int32_t> before_imx_, before_imy_, before_imz_;
  Buffer<VerdictLog> log_;        // one, in the backend's space; capacity_ of its slots used
  std::vector<Pending> pending_;  // the steps of the verdicts not yet read, in order
  VerdictLog read_;               // the log read back (its count and pending_.size() slots)
  std::function<bool()> void_check_;
};

}  // namespace mdgpu
