// The thermo log: one CSV row per sample, with units in the header.
#pragma once

#include <cstdio>
#include <filesystem>

#include "engine/observer.hpp"

namespace mdgpu {

class ThermoLog final : public Observer {
public:
  ThermoLog(const std::filesystem::path& path, std::int64_t every);  // truncates the file
  ~ThermoLog() override;
  ThermoLog(const ThermoLog&) = delete;
  ThermoLog& operator=(const ThermoLog&) = delete;

  std::int64_t every() const override { return every_; }
  void observe(const Snapshot& snapshot) override;

private:
  std::filesystem::path path_;
  std::int64_t every_;
  std::FILE* file_ = nullptr;
};

}  // namespace mdgpu
