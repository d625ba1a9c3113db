#include "io/thermo_log.hpp"

#include <fmt/format.h>

namespace mdgpu {

ThermoLog::ThermoLog(const std::filesystem::path& path, std::int64_t every, bool resume)
    : TextOutput("output.thermo", path, resume,
                 "step,time_ps,stage,temperature_K,target_K,potential_eV,kinetic_eV,total_eV,"
                 "conserved_eV,pressure_bar,volume_A3\n"),
      every_(every) {}

void ThermoLog::observe(const Snapshot& snapshot) {
  const ThermoSample& s = snapshot.thermo();
  // Shortest round-trip representation: no digits lost, none invented.
  file().write(fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", s.step, s.time, s.stage,
                           s.temperature, s.target, s.potential, s.kinetic, s.total, s.conserved,
                           s.pressure, s.volume));
}

}  // namespace mdgpu
