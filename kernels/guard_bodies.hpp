// Per-atom body of the instability guard and the merge its reduction uses: the largest force and
// one-step displacement with the atom that has them, and the first atom with a non-finite
// position, velocity or force. The merge is a total order (ties go to the lower atom index), so
// every backend and thread layout finds the same atoms.
#pragma once

#include <cmath>
#include <cstdint>

#include "core/box_data.hpp"
#include "kernels/views.hpp"

namespace mdgpu {

enum StepCheckBits : int { kBadPosition = 1, kBadVelocity = 2, kBadForce = 4 };

struct StepCheck {
  double force_sq = 0.0;  // eV²/Å², largest |F|²
  double move_sq = 0.0;   // Å², largest |Δr|² over the step
  int force_atom = -1;    // the atoms that have them
  int move_atom = -1;
  int bad_atom = -1;      // first atom with a non-finite value, -1 when none
  int bad_what = 0;       // StepCheckBits of that atom
};

// The verdicts of the steps the host has not read yet, where the guard's reduction leaves them
// (one in the backend's space): each step reduces into `latest` and appends it at slots[count]
// (AppendVerdict), so that no argument changes from step to step and a recorded step (a CUDA
// graph) appends as an issued one does. The host reads `count` with the slots in one copy and
// sets it back to zero.
struct VerdictLog {
  static constexpr int kSlots = 64;
  std::int32_t count = 0;  // verdicts appended since the host last read them
  StepCheck latest;        // the last step's reduction
  StepCheck slots[kSlots];
};

// One item: the last verdict appended; a full log drops it but still counts it, so that the
// host, which never lets it fill (engine/step_guard.hpp), would see the counts disagree.
MDGPU_HD void append_verdict(VerdictLog* log) {
  if (log->count < VerdictLog::kSlots) log->slots[log->count] = log->latest;
  ++log->count;
}

// `before` holds the positions and image counters at the start of the step (x, y, z, im*): the
// displacement counts wraps into the cell as the lattice vectors they are.
MDGPU_HD StepCheck check_atom(const AtomsView& a, const AtomsView& before, const BoxData& box, int i) {
  StepCheck c;
  // v * 0 is 0 for a finite v and NaN otherwise: one test, no branch, for the usual all-finite atom.
  const double zeros = (a.x[i] * 0.0 + a.y[i] * 0.0 + a.z[i] * 0.0) + (a.vx[i] * 0.0 + a.vy[i] * 0.0 + a.vz[i] * 0.0) +
                       (a.fx[i] * 0.0 + a.fy[i] * 0.0 + a.fz[i] * 0.0);
  if (zeros != 0.0) {
    const bool position = std::isfinite(a.x[i]) && std::isfinite(a.y[i]) && std::isfinite(a.z[i]);
    const bool velocity = std::isfinite(a.vx[i]) && std::isfinite(a.vy[i]) && std::isfinite(a.vz[i]);
    const bool force = std::isfinite(a.fx[i]) && std::isfinite(a.fy[i]) && std::isfinite(a.fz[i]);
    c.bad_atom = i;
    c.bad_what = (position ? 0 : kBadPosition) | (velocity ? 0 : kBadVelocity) | (force ? 0 : kBadForce);
    return c;
  }
  c.force_sq = a.fx[i] * a.fx[i] + a.fy[i] * a.fy[i] + a.fz[i] * a.fz[i];
  c.force_atom = i;
  double wrap[3] = {0.0, 0.0, 0.0};  // most atoms did not cross a face; adding zero is exact
  const int d0 = a.imx[i] - before.imx[i], d1 = a.imy[i] - before.imy[i], d2 = a.imz[i] - before.imz[i];
  if (d0 != 0 || d1 != 0 || d2 != 0) box_shift(box, d0, d1, d2, wrap);
  const double d[3] = {a.x[i] - before.x[i] + wrap[0], a.y[i] - before.y[i] + wrap[1],
                       a.z[i] - before.z[i] + wrap[2]};
  c.move_sq = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
  c.move_atom = i;
  return c;
}

// Whether (value, atom) r outranks l: larger value, then lower atom index; -1 (none) ranks last.
MDGPU_HD bool outranks(double rv, int ri, double lv, int li) {
  if (ri < 0) return false;
  if (li < 0) return true;
  return rv > lv || (rv == lv && ri < li);
}

MDGPU_HD StepCheck merge_checks(const StepCheck& l, const StepCheck& r) {
  StepCheck m = l;
  if (outranks(r.force_sq, r.force_atom, l.force_sq, l.force_atom))
    m.force_sq = r.force_sq, m.force_atom = r.force_atom;
  if (outranks(r.move_sq, r.move_atom, l.move_sq, l.move_atom))
    m.move_sq = r.move_sq, m.move_atom = r.move_atom;
  if (r.bad_atom >= 0 && (l.bad_atom < 0 || r.bad_atom < l.bad_atom))
    m.bad_atom = r.bad_atom, m.bad_what = r.bad_what;
  return m;
}

}  // namespace mdgpu
