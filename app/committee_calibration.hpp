// `mdgpu eval` with a committee and labelled frames: does the committee's per-atom force deviation
// σ_i predict the true per-atom force error |F_i − F_i^ref|? The atoms are sorted by σ_i into bins
// of equal count, and each bin's RMS true error is set beside its σ range: a useful committee
// shows the error rising with σ (tools/plot_committee.py draws the scatter).
#pragma once

#include <string>
#include <vector>

#include "core/system.hpp"

namespace mdgpu {

class DeviationCalibration {
public:
  // One frame: predicted and reference forces and the committee's σ_i, all per atom.
  void add(const Vec3Array& predicted, const Vec3Array& reference, const std::vector<double>& deviation);
  std::size_t atoms() const { return deviation_.size(); }
  // The table (σ in meV/Å, RMS |ΔF| in meV/Å), at most `bins` bins of equal count, and the
  // Spearman rank correlation of σ and |ΔF| over all atoms.
  std::string format(int bins) const;

private:
  std::vector<double> deviation_, error_;  // σ_i and |ΔF_i|, eV/Å
};

}  // namespace mdgpu
