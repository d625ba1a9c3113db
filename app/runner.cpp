#include "app/runner.hpp"

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/observers.hpp"
#include "app/memory_estimate.hpp"
#include "core/errors.hpp"
#include "engine/barostat_mtk.hpp"
#include "engine/integrators.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/cell_report.hpp"
#include "engine/simulation.hpp"
#include "engine/velocities.hpp"
#include "io/checkpoint.hpp"
#include "io/candidates.hpp"
#include "io/config.hpp"
#include "io/frame_geometry.hpp"
#include "io/output_paths.hpp"
#include "io/potential_kinds.hpp"
#include "io/stage_kinds.hpp"
#include "io/trajectory_formats.hpp"
#include "io/structure.hpp"
#include "io/thermo_log.hpp"
#include "io/trajectory.hpp"
#include "kernels/host/host_backend.hpp"
#include "kernels/neighbor_bodies.hpp"

namespace mdgpu {
namespace {

std::vector<NamedPath> output_paths(const RunPlan& plan) {
  std::vector<NamedPath> paths;
  if (!plan.thermo.path.empty()) paths.push_back({plan.thermo.path, "output.thermo"});
  for (std::size_t k = 0; k < plan.trajectories.size(); ++k)
    paths.push_back({plan.trajectories[k].path, fmt::format("output.trajectory[{}]", k + 1)});
  if (plan.candidates) paths.push_back({plan.candidates->path, "output.candidates"});
  paths.push_back({plan.checkpoint.path, "output.checkpoint"});
  for (auto& p : analysis_output_paths(plan)) paths.push_back({std::move(p), "an analysis result"});
  return paths;
}

std::vector<NamedPath> input_paths(const RunPlan& plan) {
  std::vector<NamedPath> paths{{plan.input_file, "input file"}, {plan.structure, "structure file"}};
  for (NamedPath& p : kind_of(plan.potential).input_files(plan.potential)) paths.push_back(std::move(p));
  if (!plan.restart.empty()) paths.push_back({plan.restart, "checkpoint restarted from"});
  return paths;
}

// Outputs must not replace existing files unless the plan says so (a restart appends to its
// run's outputs), nor alias an input or each other; checked before anything is opened.
void check_outputs(const RunPlan& plan) {
  const OutputRules rules{plan.overwrite || !plan.restart.empty(), plan.restart};
  check_output_paths(output_paths(plan), input_paths(plan), rules, plan.input_file.string());
}

// Whether a stage strains the cell along Cartesian axes (aniso or tri NPT or cell relaxation),
// which needs a lower-triangular cell.
bool strains_along_axes(const RunPlan& plan) {
  for (const StageSpec& s : plan.stages) {
    const auto* npt = std::get_if<NptStage>(&s.kind);
    const auto* minimize = std::get_if<MinimizeStage>(&s.kind);
    if ((npt && npt->barostat.coupling != Coupling::Iso) ||
        (minimize && minimize->relax_cell && minimize->cell.coupling != Coupling::Iso))
      return true;
  }
  return false;
}

// The barostats against the structure's cell: no open axis barostatted, a cell aniso and tri can
// move (engine/barostat_mtk.hpp).
void check_barostats(const RunPlan& plan, const Box& box) {
  for (std::size_t k = 0; k < plan.stages.size(); ++k) {
    const StageSpec& s = plan.stages[k];
    const auto* npt = std::get_if<NptStage>(&s.kind);
    const auto* minimize = std::get_if<MinimizeStage>(&s.kind);
    const bool cell = minimize && minimize->relax_cell;
    if (!npt && !cell) continue;
    const std::string why = barostat_cell_problem(cell ? minimize->cell : npt->barostat, box);
    if (!why.empty())
      throw InputError(key_location(plan.input_file, fmt::format("stage[{}].{}", k + 1, cell ? "cell" : "barostat")),
                       fmt::format("{} (structure {})", why, plan.structure.string()));
  }
}

}  // namespace

std::string describe_plan(const RunPlan& plan) {
  const PotentialKind& potential = kind_of(plan.potential);
  std::string out = fmt::format("input     {}\nstructure {} (format {})\npotential {}{}", plan.input_file.string(),
                                plan.structure.string(), plan.structure_format, potential.name,
                                potential.describe(plan.potential));
  out += fmt::format("\nneighbor  skin {} Å\nbackend   {}\nstages:\n", plan.neighbor_skin, plan.backend);
  double time = 0.0;
  std::int64_t steps = 0;
  for (std::size_t k = 0; k < plan.stages.size(); ++k) {
    const StageSpec& s = plan.stages[k];
    const StageKind& kind = kind_of(s);
    if (kind.timed)
      out += fmt::format("  {}. {:<12} {:<26} dt {} fs  {} steps = {} ps{}\n", k + 1, s.name, kind.method,
                         s.timestep * 1e3, s.steps, s.steps * s.timestep, kind.describe(s));
    else
      out += fmt::format("  {}. {:<12} {:<26} at most {} iterations{}\n", k + 1, s.name, kind.method,
                         s.steps, kind.describe(s));
    time += s.steps * s.timestep;
    steps += s.steps;
  }
  out += fmt::format("total     {} steps, {} ps\noutputs:\n", steps, time);
  if (!plan.thermo.path.empty())
    out += fmt::format("  thermo      {} every {} steps\n", plan.thermo.path.string(), plan.thermo.every);
  for (const TrajectorySpec& t : plan.trajectories)
    out += fmt::format("  trajectory  {} ({}{}) every {} steps, {} coordinates{}{}{}{}\n", t.path.string(),
                       kind_of(t).name, kind_of(t).describe(t.format),
                       t.every, t.coordinates == Coordinates::Wrapped ? "wrapped" : "unwrapped",
                       t.velocities ? ", velocities" : "", t.forces ? ", forces" : "",
                       t.energies ? ", per-atom energies" : "", t.force_dev ? ", committee force deviation" : "");
  if (plan.candidates)
    out += fmt::format("  candidates  {} (committee force deviation in [{}, {}) eV/Å, at least {} steps apart{})\n",
                       plan.candidates->path.string(), plan.candidates->lower, plan.candidates->upper,
                       plan.candidates->min_spacing, plan.candidates->stop_above ? "; stop at or above upper" : "");
  const CheckpointSpec& c = plan.checkpoint;
  out += fmt::format("  checkpoint  {}{}{} and at the end\n", c.path.string(),
                     c.every > 0 ? fmt::format(" every {} steps", c.every) : "",
                     c.every_ps > 0 ? fmt::format(" every {} ps", c.every_ps) : "");
  out += describe_analyses(plan);
  out += fmt::format("guard     stop when an atom moves more than {} Å in a step or feels more than {} eV/Å\n",
                     plan.guard.max_displacement, plan.guard.max_force);
  if (!plan.restart.empty()) out += fmt::format("restart   from {}\n", plan.restart.string());
  return out;
}

System prepare_system(const RunPlan& plan) {
  System system = read_structure(plan.structure, plan.structure_format, plan.structure_frame);
  for (const auto& [symbol, mass] : plan.masses) {
    bool found = false;
    for (std::size_t t = 0; t < system.species.size(); ++t)
      if (system.species[t] == symbol) system.species_mass[t] = mass, found = true;
    if (!found)
      throw InputError(plan.input_file.string() + ": system.masses",
                       fmt::format("species '{}' is not in the structure", symbol));
  }
  const VelocitySpec& v = plan.velocities;
  const StageSpec* first = plan.stages.empty() ? nullptr : &plan.stages.front();
  const int dof = first ? degrees_of_freedom(*first, static_cast<int>(system.size())) : 3 * int(system.size());
  switch (v.source) {
    case VelocitySpec::Source::File:
      if (!system.has_velocities)
        throw InputError(plan.structure.string(), "system.velocities = \"file\" but the file has no velocities");
      break;
    case VelocitySpec::Source::Zero: maxwell_boltzmann(system, 0.0, 0, dof); break;
    case VelocitySpec::Source::MaxwellBoltzmann: maxwell_boltzmann(system, v.temperature, v.seed, dof); break;
    case VelocitySpec::Source::Auto:
      if (!system.has_velocities) {
        const TemperatureRamp* ramp = first ? temperature_ramp(*first) : nullptr;
        const double t = ramp ? ramp->start : 0.0;
        maxwell_boltzmann(system, t, v.seed, dof);
      }
      break;
  }
  return system;
}

void check_min_distance(const System& system, double min_distance, const std::string& where) {
  if (min_distance <= 0.0 || system.size() < 1) return;
  auto host = make_host_backend(0);
  System copy = system;
  Atoms atoms(Space::Host, copy);
  NeighborList list(*host, min_distance, 0.0);
  AtomsView view = atoms.view();
  list.update(view, system.box, true);
  if (list.num_pairs() == 0) return;
  const NeighborView nl = list.view();
  double best = INFINITY;
  int bi = 0, bj = 0;
  for (int i = 0; i < nl.n; ++i)
    for (std::int64_t p = nl.offsets[i]; p < nl.offsets[i + 1]; ++p) {
      double r[3];
      neighbor_vector(nl, system.box.data(), view.x, view.y, view.z, i, p, r);
      const double d = std::sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
      if (d < best) best = d, bi = i, bj = nl.index[p];
    }
  throw InputError(where, fmt::format("atoms {} ({}) and {} ({}) are {:.4f} Å apart, closer than "
                                      "system.min_distance = {} Å (atoms counted from 1)",
                                      bi + 1, system.species[system.type[bi]], bj + 1,
                                      system.species[system.type[bj]], best, min_distance));
}

PreparedRun::PreparedRun(const RunPlan& plan, std::function<void(const std::string&)> log,
                         Purpose purpose)
    : plan_(plan), log_(std::move(log)) {
  System system = prepare_system(plan);
  backend_ = make_backend(plan.backend, plan.threads);
  potential_ = make_potential(plan.potential, system, *backend_);
  check_pair_list_memory(plan, system, potential_->cutoff());
  check_min_distance(system, plan.min_distance, plan.structure.string());
  // For aniso and tri a cell in another orientation is turned rigidly (cell, positions,
  // velocities) into LAMMPS's, as the trajectory writers turn frames (io/frame_geometry.hpp), and
  // the log says so.
  bool rotate = false;
  if (strains_along_axes(plan) && system.box.has_volume()) {
    const CanonicalFrame frame(system.box, plan.structure.string());
    rotate = frame.rotates();
    frame.apply(system.positions);
    frame.apply(system.velocities);
    system.box = Box(frame.cell(), system.box.periodic(), plan.structure.string());
  }
  check_barostats(plan, system.box);
  const bool restart = !plan.restart.empty();
  RunState restart_state;
  if (restart) restart_state = read_checkpoint(plan.restart, plan, system);
  auto analyses = make_analysis_observers(plan, system, log_);
  check_outputs(plan);
  // A fresh run has checked everything it can without creating its outputs; a restart goes on
  // to check its outputs against the checkpoint, which changes no file either.
  if (purpose == Purpose::Check && !restart) return;
  if (!restart) create_output_folders(output_paths(plan));

  log_(fmt::format("mdgpu {} | {} atoms, {} species | {} | {}", MDGPU_VERSION, system.size(),
                   system.species.size(), backend_->describe(), potential_->describe()));
  if (rotate)
    log_("the structure's cell is rotated: for its aniso/tri stages the whole system (cell, "
         "positions, velocities) is turned rigidly so that a lies along x and b in the xy plane, "
         "and every output is in that frame");
  simulation_ = std::make_unique<Simulation>(plan, system, *backend_, *potential_);
  Simulation& sim = *simulation_;
  // A restart's outputs are reopened (cut back to the checkpoint) only once everything was
  // checked, so that a bad restart changes no file.
  std::vector<OutputFile*> outputs;
  auto add = [&outputs, &sim](std::unique_ptr<OutputFile> output) {
    outputs.push_back(output.get());
    sim.add_observer(std::move(output));
  };
  if (!plan.thermo.path.empty())
    add(std::make_unique<ThermoLog>(plan.thermo.path, plan.thermo.every, restart, as_committee(*potential_)));
  for (std::size_t k = 0; k < plan.trajectories.size(); ++k)
    add(make_trajectory(plan.trajectories[k], k + 1, system, restart));
  if (plan.candidates)  // the reader made sure the potential is a committee
    add(std::make_unique<CandidateFrames>(*plan.candidates, *as_committee(*potential_),
                                          std::get<NequipSpec>(plan.potential).every, restart));
  // Analyses rewrite their result files at the end of each stage; their accumulators travel in
  // the checkpoint, so they are restored with the other observers.
  for (auto& a : analyses) sim.add_observer(std::move(a));
  if (CellReport::wanted(plan.stages))  // the density NPT and cell relaxations reach
    sim.add_observer(std::make_unique<CellReport>(
        plan.stages, system, plan.thermo.path.empty() ? 100 : plan.thermo.every, log_));
  if (restart) {
    try {
      sim.restore(restart_state);
    } catch (const InputError& e) {  // name the checkpoint file, not just "checkpoint"
      throw InputError(plan.restart.string(), std::string(e.what()).substr(e.where().size() + 2));
    }
    restore_observers(plan.restart, sim.observers());
    if (purpose == Purpose::Check) return;
    for (OutputFile* o : outputs) o->resume();
    log_(fmt::format("continuing from {} at step {} (t = {} ps, stage '{}')", plan.restart.string(),
                     restart_state.step, restart_state.time, plan.stages[restart_state.stage].name));
  }
  sim.set_progress_sink(log_);
  sim.set_checkpoint_sink([this](const RunState& state) {
    write_checkpoint(plan_.checkpoint.path, state, plan_, simulation_->observers());
  });
}

RunSummary PreparedRun::run() {
  if (!simulation_) throw std::logic_error("PreparedRun::run on a run prepared only to be checked");
  Simulation& sim = *simulation_;
  const auto start = std::chrono::steady_clock::now();
  const std::int64_t first_step = sim.step();
  const RunOutcome outcome = sim.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::int64_t steps = sim.step() - first_step;
  // Steps redone on the device cost time that the rate includes: said, when there were any.
  const std::int64_t redone = sim.redone_steps();
  const std::string redos =
      redone > 0 ? fmt::format(", {} steps redone (device buffers outgrew their slots, which grew)", redone) : "";
  log_(fmt::format("{}: {} steps in {:.2f} s ({:.4g} atom-steps/s), {} neighbor-list builds{}",
                   outcome == RunOutcome::Completed ? "done" : "stopped", steps, wall,
                   wall > 0 ? steps * double(sim.system().size()) / wall : 0.0,
                   sim.force_computer().neighbors().builds(), redos));
  return {outcome, sim.step()};
}

RunSummary execute(const RunPlan& plan, const std::function<void(const std::string&)>& log) {
  return PreparedRun(plan, log).run();
}

}  // namespace mdgpu
