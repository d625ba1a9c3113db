// The part of an input file the MD loop runs: its stages, the neighbour-list skin, the guard and
// the checkpoint clock, validated and in engine units (Å, eV, ps, amu, K). io/run_plan.hpp adds
// what only the input's readers and writers need.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace mdgpu {
namespace detail {
// Whether a stage kind has a `temperature` ramp.
template <class T, class = void>
struct has_temperature : std::false_type {};
template <class T>
struct has_temperature<T, std::void_t<decltype(T::temperature)>> : std::true_type {};
}  // namespace detail

struct TemperatureRamp {
  double start = 0.0;  // K
  double stop = 0.0;   // K; equal to start for a constant target
  double at(double fraction) const { return start + (stop - start) * fraction; }
};

// One struct per stage kind: what the kind adds to a stage's name, time step and length. Each
// kind's reader, dry-run line and checkpoint record live in io/kinds/ (io/stage_kinds.hpp), its
// integrator next to the others (engine/integrators.cpp).

// ensemble = "nve": velocity Verlet.
struct NveStage {
  static constexpr bool conserves_momentum = true;
};

// ensemble = "nvt", thermostat = "nose-hoover": a Nosé–Hoover chain (Martyna–Tuckerman–Klein).
struct NoseHooverStage {
  static constexpr bool conserves_momentum = true;
  TemperatureRamp temperature;
  double tdamp = 0.1;      // ps, relaxation time of the thermostat (default 100 × timestep)
  int chain_length = 3;
  int chain_substeps = 1;  // multiple-time-step loops per half step
};

// ensemble = "nvt", thermostat = "langevin": Langevin dynamics (BAOAB).
struct LangevinStage {
  static constexpr bool conserves_momentum = false;  // the noise acts on each atom alone
  TemperatureRamp temperature;
  double friction_time = 0.1;  // ps; friction coefficient gamma = 1 / friction_time
  std::uint64_t seed = 1;
};

// Martyna–Tobias–Klein barostat couplings: one strain rate for the barostatted axes (iso), one per
// axis (aniso), or the diagonal and the tilts of a cell kept lower-triangular (tri).
enum class Coupling { Iso, Aniso, Tri };

// Target pressure tensor in bar, Voigt order xx yy zz yz xz xy; a linear ramp over the stage.
struct PressureRamp {
  std::array<double, 6> start{};
  std::array<double, 6> stop{};
  double at(int k, double fraction) const { return start[k] + (stop[k] - start[k]) * fraction; }
};

// How an NPT stage moves its cell: the deterministic Martyna–Tobias–Klein equations
// (engine/barostat_mtk.hpp) or Bernetti & Bussi's stochastic cell rescaling
// (engine/barostat_crescale.hpp).
enum class BarostatKind { Mtk, CRescale };

// The barostat of an NPT stage, or the cell of a minimisation that relaxes it.
struct BarostatSpec {
  BarostatKind kind = BarostatKind::Mtk;
  Coupling coupling = Coupling::Iso;
  PressureRamp pressure;
  std::array<bool, 3> axes{true, true, true};  // barostatted axes; open axes never are
  double pdamp = 1.0;                          // ps, relaxation time of the cell (MTK)
  int chain_length = 3;                        // Nosé–Hoover chain on the cell's momenta (MTK)
  double tau_p = 1.0;                          // ps, relaxation time of the volume (C-rescale)
  double compressibility = 0.0;                // 1/bar, its estimate of β_T (C-rescale)
  std::uint64_t seed = 1;                      // of its noise (C-rescale)
};

// ensemble = "npt": Martyna–Tuckerman–Tobias–Klein, the particles' Nosé–Hoover chain as in
// NoseHooverStage plus the barostat.
struct NptStage {
  static constexpr bool conserves_momentum = true;
  TemperatureRamp temperature;
  double tdamp = 0.1;  // ps
  int chain_length = 3;
  int chain_substeps = 1;
  BarostatSpec barostat;
};

// How a minimisation moves: FIRE (Bitzek et al. 2006) or L-BFGS, each as ASE's optimiser.
enum class MinimizeMethod { Fire, Lbfgs };

// ensemble = "minimize": FIRE or L-BFGS (with ASE's defaults), converged when every
// tolerance given holds; the stage's `steps` is its iteration limit and its time step is 0. With
// relax_cell the cell's strain joins the atoms' positions (as ASE's UnitCellFilter), driven by the
// static pressure against `cell`'s target (its ramp's start) on `cell`'s axes and coupling.
struct MinimizeStage {
  static constexpr bool conserves_momentum = true;  // no velocities are kept
  MinimizeMethod method = MinimizeMethod::Fire;
  double force_tolerance = 0.0;     // eV/Å, largest force on an atom (0 = not used)
  double energy_tolerance = 0.0;    // relative change of energy (enthalpy) per iteration (0 = not used)
  double pressure_tolerance = 1.0;  // bar, largest |P - target| of a relaxed component
  bool relax_cell = false;
  BarostatSpec cell;
  double max_step = 0.2;            // Å, longest move of an atom in one iteration
};

using StageKindSpec =
    std::variant<NveStage, NoseHooverStage, LangevinStage, NptStage, MinimizeStage>;

struct StageSpec {
  std::string name;
  double timestep = 0.0;  // ps; 0 for a stage without a clock (a minimisation)
  std::int64_t steps = 0;
  StageKindSpec kind;
};

// Whether the stage advances time (MD) rather than counting iterations (a minimisation).
inline bool has_clock(const StageSpec& stage) { return stage.timestep > 0; }

// The stage's target temperature ramp, or null for a kind without one (NVE).
inline const TemperatureRamp* temperature_ramp(const StageSpec& stage) {
  return std::visit(
      [](const auto& kind) -> const TemperatureRamp* {
        if constexpr (detail::has_temperature<std::decay_t<decltype(kind)>>::value)
          return &kind.temperature;
        else
          return nullptr;
      },
      stage.kind);
}

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

struct MdPlan {
  std::vector<StageSpec> stages;
  double neighbor_skin = 1.0;            // Å
  CheckpointSpec checkpoint;
  double progress_interval = 2.0;        // s of wall time between progress lines (0 = off)
  GuardSpec guard;
};

}  // namespace mdgpu
