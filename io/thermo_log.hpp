// The thermo log: one CSV row per sample, with units in the header.
#pragma once

#include <filesystem>

#include "io/output_file.hpp"

namespace mdgpu {

class ThermoLog final : public TextOutput {
public:
  // Creates the file with its header, unless `resume` (a restart reopens it).
  ThermoLog(const std::filesystem::path& path, std::int64_t every, bool resume = false);

  std::int64_t every() const override { return every_; }
  void observe(const Snapshot& snapshot) override;

private:
  std::int64_t every_;
};

}  // namespace mdgpu
