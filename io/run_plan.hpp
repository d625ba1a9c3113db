// Everything an input file asks for, validated and in engine units (Å, eV, ps, amu, K).
// io/config.cpp builds it from TOML; the engine runs its MdPlan part, io and app the rest.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/md_plan.hpp"
#include "io/analysis_specs.hpp"
#include "io/candidates_spec.hpp"
#include "model/potential_spec.hpp"

namespace mdgpu {

struct VelocitySpec {
  // Auto: the structure file's velocities when it has them, else Maxwell–Boltzmann at the first
  // stage's starting temperature (zero velocities when that is 0 K or the stage is NVE).
  enum class Source { Auto, File, MaxwellBoltzmann, Zero };
  Source source = Source::Auto;
  double temperature = 0.0;  // K, for MaxwellBoltzmann
  std::uint64_t seed = 1;
};

// Wrapped: folded into the cell along periodic axes (LAMMPS dumps add the image flags).
// Unwrapped: continuous paths, wrapped position + image counters · cell (for diffusion).
enum class Coordinates { Wrapped, Unwrapped };

// One struct per trajectory format: what the format adds to what every trajectory has. Each
// format's reader, dry-run text and writer factory live in io/kinds/ (io/trajectory_formats.hpp).
struct ExtxyzFormat {};      // format = "extxyz"
struct LammpsDumpFormat {};  // format = "lammps-dump"
struct NetcdfFormat {        // format = "netcdf"
  bool float64 = false;      // double instead of the AMBER convention's float
};
using TrajectoryFormat = std::variant<ExtxyzFormat, NetcdfFormat, LammpsDumpFormat>;

struct TrajectorySpec {
  std::filesystem::path path;
  TrajectoryFormat format;
  std::int64_t every = 100;      // steps
  bool velocities = false;
  bool forces = false;
  bool energies = false;         // per-atom potential energy
  bool force_dev = false;        // per-atom committee force deviation (needs a committee)
  Coordinates coordinates = Coordinates::Wrapped;
};

struct ThermoSpec {
  std::filesystem::path path = "thermo.csv";
  std::int64_t every = 100;      // steps
};

// The MdPlan fields (stages, skin, checkpoint, progress, guard) are inherited, so that the engine
// takes this plan as it is and names none of the types above it.
struct RunPlan : MdPlan {
  std::filesystem::path input_file;      // the TOML file itself
  std::filesystem::path structure;       // resolved against the input file's directory
  std::string structure_format = "auto"; // auto | extxyz | poscar
  std::int64_t structure_frame = 0;      // frame of a multi-frame file; negative from the end
  std::map<std::string, double> masses;  // per-species mass overrides (amu)
  double min_distance = 0.5;             // Å; closer atoms are an input error
  VelocitySpec velocities;
  PotentialSpec potential;
  std::string backend = "auto";          // auto | cpu | cuda
  int threads = 0;                       // host threads, 0 = all cores
  std::filesystem::path output_directory = ".";  // outputs are relative to it
  bool overwrite = false;                // refuse to replace existing outputs unless set
  ThermoSpec thermo;
  std::vector<TrajectorySpec> trajectories;
  std::optional<CandidatesSpec> candidates;  // [output.candidates], with a committee potential
  std::filesystem::path restart;         // checkpoint to continue from (mdgpu run --restart)
  std::vector<AnalysisSpec> analyses;    // on-the-fly analyses ([analysis.*]), in registry order
};

}  // namespace mdgpu
