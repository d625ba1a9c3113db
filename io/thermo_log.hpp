// The thermo log: one CSV row per sample, with units in the header. With a committee potential,
// four more columns: its force and energy spread at the row's step (model/committee_potential.hpp).
#pragma once

#include <filesystem>

#include "io/output_file.hpp"
#include "model/committee_potential.hpp"

namespace mdgpu {

class ThermoLog final : public TextOutput {
public:
  // Creates the file with its header, unless `resume` (a restart reopens it). `committee`, when
  // given, outlives the log.
  ThermoLog(const std::filesystem::path& path, std::int64_t every, bool resume = false,
            const CommitteePotential* committee = nullptr);

  std::int64_t every() const override { return every_; }
  void observe(const Snapshot& snapshot) override;

private:
  std::int64_t every_;
  const CommitteePotential* committee_;
};

}  // namespace mdgpu
