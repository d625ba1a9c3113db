// [analysis.msd] over one stretch of samples: the MSD accumulator with its settings checked
// against the structure and the stretch, the diffusivity fits (with the start of the window at
// 0.5 a², a the mean nearest-neighbour distance of the species at the first sample, unless given)
// and the result files <prefix>.csv (MSD curves), <prefix>_D.csv (D, errors, σ) and <prefix>.h5.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/diffusivity.hpp"
#include "analysis/frame_analysis.hpp"
#include "analysis/msd.hpp"

namespace mdgpu {

class MsdAnalysis final : public FrameAnalysis {
public:
  // InputError naming the key when the settings do not fit the structure or the stretch.
  MsdAnalysis(const MsdSpec& spec, const System& system, const Stretch& stretch);

  void add(const System& system, const ThermoSample& sample) override;
  std::string write(const std::filesystem::path& prefix) const override;
  void save_state(h5::File& file, const std::string& group) const override;
  void restore_state(const h5::File& file, const std::string& group) override;

  // D, errors and σ of every group from the samples so far.
  std::vector<GroupDiffusivity> diffusivities() const;
  const MsdAccumulator& accumulator() const { return acc_; }

  struct Resolved;  // the settings resolved against the structure (msd_analysis.cpp)

private:
  MsdAnalysis(Resolved resolved, const MsdSpec& spec, const std::string& label);

  MsdAccumulator acc_;
  std::vector<int> species_type_;      // per species group
  std::vector<double> nn_distance_;    // a per species group, Å
  std::vector<double> charge_;         // e per species group
  std::optional<int> first_lag_;       // fit_start_ps, in samples
  std::optional<double> temperature_;  // K, given
  std::string blocks_note_;            // fewer blocks than asked, or too few for a firm error
  std::string label_;
};

}  // namespace mdgpu
