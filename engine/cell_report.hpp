// The density a run reaches where its cell moves: for each NPT stage, the mean density and volume
// over the stage's samples; for a minimisation that relaxes the cell, the relaxed density. One log
// line per such stage, when the run leaves it (or ends in it). The sums travel in the checkpoint,
// so a restarted stage reports the whole stage.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/md_plan.hpp"
#include "engine/observer.hpp"

namespace mdgpu {

class CellReport final : public Observer {
public:
  // `every`: steps between samples (the thermo log's interval, so that no extra step computes
  // its virial for this report alone).
  CellReport(const std::vector<StageSpec>& stages, const System& system, std::int64_t every,
             std::function<void(const std::string&)> log);

  // Whether any stage of `stages` moves the cell (otherwise the report has nothing to say).
  static bool wanted(const std::vector<StageSpec>& stages);

  std::int64_t every() const override { return every_; }
  void observe(const Snapshot& snapshot) override;
  void finish() override { report(); }

  std::string checkpoint_key() const override { return "cell_report"; }
  void save_state(h5::File& file, const std::string& group) const override;
  void restore_state(const h5::File& file, const std::string& group) override;

private:
  void report();

  std::vector<StageSpec> stages_;
  double mass_ = 0.0;  // amu, of all atoms
  std::int64_t every_;
  std::function<void(const std::string&)> log_;
  int stage_ = -1;     // index of the stage being summed; -1 for none
  double samples_ = 0.0, sum_volume_ = 0.0, sum_volume2_ = 0.0, last_volume_ = 0.0;
};

}  // namespace mdgpu
