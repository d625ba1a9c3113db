#include "io/thermo_log.hpp"

#include <fmt/format.h>

namespace mdgpu {

ThermoLog::ThermoLog(const std::filesystem::path& path, std::int64_t every, bool resume)
    : TextOutput("output.thermo", path, resume,
                 "step,time_ps,stage,temperature_K,target_K,potential_eV,kinetic_eV,total_eV,"
                 "conserved_eV,pressure_bar,volume_A3,pxx_bar,pyy_bar,pzz_bar,pxy_bar,pxz_bar,"
                 "pyz_bar,ax_A,ay_A,az_A,bx_A,by_A,bz_A,cx_A,cy_A,cz_A\n"),
      every_(every) {}

void ThermoLog::observe(const Snapshot& snapshot) {
  const ThermoSample& s = snapshot.thermo();
  // Shortest round-trip representation: no digits lost, none invented.
  const Mat3& h = s.cell;
  file().write(fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                           s.step, s.time, s.stage, s.temperature, s.target, s.potential, s.kinetic,
                           s.total, s.conserved, s.pressure, s.volume, s.stress[0], s.stress[1],
                           s.stress[2], s.stress[3], s.stress[4], s.stress[5], h[0][0], h[0][1],
                           h[0][2], h[1][0], h[1][1], h[1][2], h[2][0], h[2][1], h[2][2]));
}

}  // namespace mdgpu
