// Observers see the run every `every()` steps (step 0 included): the thermo log, trajectory
// writers and the on-the-fly analyses (analysis/observers.hpp). They copy from the device only
// what they ask for.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/system.hpp"

namespace mdgpu {
namespace h5 {
class File;
}

struct ThermoSample {
  std::string stage;
  std::int64_t step = 0;
  double time = 0.0;         // ps since the start of the run
  double temperature = 0.0;  // K
  double potential = 0.0;    // eV
  double kinetic = 0.0;      // eV
  double total = 0.0;        // eV
  double conserved = 0.0;    // eV: total + thermostat energy
  double pressure = 0.0;     // bar (NaN without a cell volume)
  double volume = 0.0;       // Å³ (NaN without a cell volume)
  std::array<double, 6> stress{};  // bar, pressure tensor xx yy zz xy xz yz (NaN without a volume)
  Mat3 cell{};               // Å, the current cell's rows a, b, c
  double target = 0.0;       // K, the thermostat's target (0 for NVE)
};

// What observers read at a step. Atom data is downloaded on first access, once per step.
class Snapshot {
public:
  Snapshot(const ThermoSample& thermo, std::function<const System&()> system,
           std::function<const Vec3Array&()> forces,
           std::function<const std::vector<double>&()> per_atom_energy,
           std::function<const std::vector<double>&()> force_deviation = nullptr)
      : thermo_(thermo), system_(std::move(system)), forces_(std::move(forces)),
        per_atom_energy_(std::move(per_atom_energy)), force_deviation_(std::move(force_deviation)) {}
  const ThermoSample& thermo() const { return thermo_; }
  const System& system() const { return system_(); }  // positions, velocities, images, cell
  const Vec3Array& forces() const { return forces_(); }
  const std::vector<double>& per_atom_energy() const { return per_atom_energy_(); }
  // A committee's per-atom force deviation σ_i (eV/Å); only a committee run's snapshots have it.
  const std::vector<double>& force_deviation() const { return force_deviation_(); }

private:
  const ThermoSample& thermo_;
  std::function<const System&()> system_;
  std::function<const Vec3Array&()> forces_;
  std::function<const std::vector<double>&()> per_atom_energy_;
  std::function<const std::vector<double>&()> force_deviation_;
};

class Observer {
public:
  virtual ~Observer() = default;
  virtual std::int64_t every() const = 0;
  virtual void observe(const Snapshot& snapshot) = 0;
  virtual void finish() {}

  // Restart support for observers that accumulate (on-the-fly analyses): a non-empty key names
  // the checkpoint group their state is saved under and restored from; stateless ones keep "".
  virtual std::string checkpoint_key() const { return {}; }
  virtual void save_state(h5::File& /*file*/, const std::string& /*group*/) const {}
  virtual void restore_state(const h5::File& /*file*/, const std::string& /*group*/) {}
};

}  // namespace mdgpu
