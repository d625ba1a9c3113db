// Bounds on the counts and sizes an input file sets, beyond which a run is not a simulation
// anybody wants but a hang, an overflow or a broken output file. Each is far above what a
// real study uses; config.cpp and checkpoint.cpp refuse what lies beyond with the key or file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kernels/thermostat_bodies.hpp"

namespace mdgpu {

// Steps of one stage and of all stages together: 10^15 steps of 1 fs are a second of simulated
// time; their sum is checked so that int64 step counters cannot overflow.
constexpr std::int64_t kMaxSteps = 1'000'000'000'000'000;
constexpr std::int64_t kMaxChainLength = kMaxChainElements;  // Nosé–Hoover chains (64; LAMMPS: 3)
constexpr std::int64_t kMaxChainSubsteps = 1000;  // chain integration substeps per step
constexpr double kMinTimestepPs = 1e-9;           // 10^-6 fs; smaller ones are denormal typos
constexpr std::int64_t kMaxThreads = 4096;        // [run] threads: each is a real thread

// Stage names go into thermo.csv, HDF5 attributes, file names and messages.
constexpr std::size_t kMaxNameChars = 64;

// Why `name` cannot name a stage ("" when it can): letters, digits, ' ', '-', '_', '.', '+'.
std::string stage_name_problem(std::string_view name);

// `total + steps`, or -1 when the sum would exceed kMaxSteps (steps and total in [0, kMaxSteps]).
std::int64_t add_steps(std::int64_t total, std::int64_t steps);

}  // namespace mdgpu
