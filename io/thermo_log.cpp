#include "io/thermo_log.hpp"

#include <limits>

#include <fmt/format.h>

namespace mdgpu {
namespace {

std::string header(bool committee) {
  return std::string("step,time_ps,stage,temperature_K,target_K,potential_eV,kinetic_eV,total_eV,"
                     "conserved_eV,pressure_bar,volume_A3,pxx_bar,pyy_bar,pzz_bar,pxy_bar,pxz_bar,"
                     "pyz_bar,ax_A,ay_A,az_A,bx_A,by_A,bz_A,cx_A,cy_A,cz_A") +
         (committee ? ",max_force_dev_eV_A,mean_force_dev_eV_A,max_force_dev_atom,energy_dev_eV_atom\n" : "\n");
}

}  // namespace

ThermoLog::ThermoLog(const std::filesystem::path& path, std::int64_t every, bool resume,
                     const CommitteePotential* committee)
    : TextOutput("output.thermo", path, resume, header(committee != nullptr)), every_(every), committee_(committee) {}

void ThermoLog::observe(const Snapshot& snapshot) {
  const ThermoSample& s = snapshot.thermo();
  // Shortest round-trip representation: no digits lost, none invented.
  const Mat3& h = s.cell;
  std::string row = fmt::format(
      "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", s.step, s.time, s.stage,
      s.temperature, s.target, s.potential, s.kinetic, s.total, s.conserved, s.pressure, s.volume, s.stress[0],
      s.stress[1], s.stress[2], s.stress[3], s.stress[4], s.stress[5], h[0][0], h[0][1], h[0][2], h[1][0], h[1][1],
      h[1][2], h[2][0], h[2][1], h[2][2]);
  if (committee_) {
    // Every step with output evaluates the whole committee; a stale spread would be a bug, and
    // NaN says so instead of an old value.
    const CommitteeStats& c = committee_->stats();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    row += fmt::format(",{},{},{},{}", c.fresh ? c.max_force_dev : nan, c.fresh ? c.mean_force_dev : nan,
                       c.max_atom + 1, c.fresh ? c.energy_dev_per_atom : nan);  // atoms counted from 1
  }
  file().write(row + "\n");
}

}  // namespace mdgpu
