// Everything an input file asks for, validated and in engine units (Å, eV, ps, amu, K).
// io/config.cpp builds it from TOML; engine/ and app/ consume it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/specs.hpp"

namespace mdgpu {

enum class Ensemble { NVE, NVT };
enum class Thermostat { None, NoseHoover, Langevin };

struct TemperatureRamp {
  double start = 0.0;  // K
  double stop = 0.0;   // K; equal to start for a constant target
  double at(double fraction) const { return start + (stop - start) * fraction; }
};

struct StageSpec {
  std::string name;
  Ensemble ensemble = Ensemble::NVE;
  Thermostat thermostat = Thermostat::None;
  TemperatureRamp temperature;  // unused for NVE
  double timestep = 0.0;        // ps
  std::int64_t steps = 0;
  // Nosé–Hoover chain (Martyna–Tuckerman–Klein).
  double tdamp = 0.1;      // ps, relaxation time of the thermostat (default 100 × timestep)
  int chain_length = 3;
  int chain_substeps = 1;  // multiple-time-step loops per half step
  // Langevin (BAOAB).
  double friction_time = 0.1;  // ps; friction coefficient gamma = 1 / friction_time
  std::uint64_t seed = 1;
};

struct VelocitySpec {
  // Auto: the structure file's velocities when it has them, else Maxwell–Boltzmann at the first
  // stage's starting temperature (zero velocities when that is 0 K or the stage is NVE).
  enum class Source { Auto, File, MaxwellBoltzmann, Zero };
  Source source = Source::Auto;
  double temperature = 0.0;  // K, for MaxwellBoltzmann
  std::uint64_t seed = 1;
};

struct PairCoefficients {
  std::string species_a, species_b;
  // Lennard-Jones: epsilon (eV), sigma (Å). Morse: d0 (eV), alpha (1/Å), r0 (Å).
  double epsilon = 0.0, sigma = 0.0;
  double d0 = 0.0, alpha = 0.0, r0 = 0.0;
  double cutoff = 0.0;  // Å; 0 = the potential's global cut-off
};

struct PotentialSpec {
  std::string kind;              // "lj" | "morse" (| "nequip" later)
  double cutoff = 0.0;           // Å, global cut-off
  bool shift = true;             // shift pair energies to zero at the cut-off
  bool newton = false;           // lj/morse on the CPU: each pair once (half list, Newton's third law)
  std::vector<PairCoefficients> pairs;
  std::filesystem::path model;   // for model-based potentials
  std::string precision = "float32";
};

// Wrapped: folded into the cell along periodic axes (LAMMPS dumps add the image flags).
// Unwrapped: continuous paths, wrapped position + image counters · cell (for diffusion).
enum class Coordinates { Wrapped, Unwrapped };

struct TrajectorySpec {
  std::filesystem::path path;
  std::string format = "extxyz";  // extxyz | netcdf | lammps-dump
  std::int64_t every = 100;      // steps
  bool velocities = false;
  bool forces = false;
  bool energies = false;         // per-atom potential energy
  Coordinates coordinates = Coordinates::Wrapped;
  bool float64 = false;          // netcdf: double instead of the AMBER convention's float
};

// Checkpoints for restarts: written atomically every `every` steps and/or `every_ps` of simulated
// time (0 = not on that clock), when a stop is requested, and at the end.
struct CheckpointSpec {
  std::filesystem::path path;    // default: <input file's stem>.ckpt.h5
  std::int64_t every = 10000;    // steps
  double every_ps = 0.0;         // ps
};

// The instability guard: a step that produces these stops the run (NaN/Inf always does).
struct GuardSpec {
  double max_displacement = 1.0;  // Å an atom may move in one step
  double max_force = 100.0;       // eV/Å on any atom
};

struct ThermoSpec {
  std::filesystem::path path = "thermo.csv";
  std::int64_t every = 100;      // steps
};

struct RunPlan {
  std::filesystem::path input_file;      // the TOML file itself
  std::filesystem::path structure;       // resolved against the input file's directory
  std::string structure_format = "auto"; // auto | extxyz | poscar
  std::int64_t structure_frame = 0;      // frame of a multi-frame file; negative from the end
  std::map<std::string, double> masses;  // per-species mass overrides (amu)
  double min_distance = 0.5;             // Å; closer atoms are an input error
  VelocitySpec velocities;
  PotentialSpec potential;
  double neighbor_skin = 1.0;            // Å
  std::string backend = "auto";          // auto | cpu | cuda
  int threads = 0;                       // host threads, 0 = all cores
  std::vector<StageSpec> stages;
  std::filesystem::path output_directory = ".";  // outputs are relative to it
  bool overwrite = false;                // refuse to replace existing outputs unless set
  ThermoSpec thermo;
  std::vector<TrajectorySpec> trajectories;
  CheckpointSpec checkpoint;
  double progress_interval = 2.0;        // s of wall time between progress lines (0 = off)
  GuardSpec guard;
  std::filesystem::path restart;         // checkpoint to continue from (mdgpu run --restart)
  AnalysisSpecs analysis;                // on-the-fly analyses ([analysis.*])
};

}  // namespace mdgpu
