#include "io/thermo_log.hpp"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "engine/errors.hpp"

namespace mdgpu {

ThermoLog::ThermoLog(const std::filesystem::path& path, std::int64_t every)
    : path_(path), every_(every) {
  file_ = std::fopen(path.c_str(), "w");
  if (!file_)
    throw InputError(path.string(), fmt::format("cannot write the thermo log: {}", std::strerror(errno)));
  fmt::print(file_,
             "step,time_ps,stage,temperature_K,target_K,potential_eV,kinetic_eV,total_eV,"
             "conserved_eV,pressure_bar,volume_A3\n");
  std::fflush(file_);
}

ThermoLog::~ThermoLog() {
  if (file_) std::fclose(file_);
}

void ThermoLog::observe(const Snapshot& snapshot) {
  const ThermoSample& s = snapshot.thermo();
  // Shortest round-trip representation: no digits lost, none invented.
  fmt::print(file_, "{},{},{},{},{},{},{},{},{},{},{}\n", s.step, s.time, s.stage, s.temperature,
             s.target, s.potential, s.kinetic, s.total, s.conserved, s.pressure, s.volume);
  if (std::fflush(file_) != 0)
    throw RuntimeFailure(fmt::format("{}: write failed: {}", path_.string(), std::strerror(errno)));
}

}  // namespace mdgpu
