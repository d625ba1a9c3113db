#include "engine/runner.hpp"

#include <chrono>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "analysis/observers.hpp"
#include "engine/errors.hpp"
#include "engine/integrators.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/simulation.hpp"
#include "engine/velocities.hpp"
#include "io/structure.hpp"
#include "io/thermo_log.hpp"
#include "io/trajectory.hpp"
#include "kernels/host/host_backend.hpp"
#include "model/potential_factory.hpp"

namespace mdgpu {
namespace {

const char* ensemble_name(const StageSpec& s) {
  if (s.ensemble == Ensemble::NVE) return "NVE (velocity Verlet)";
  return s.thermostat == Thermostat::Langevin ? "NVT (Langevin BAOAB)" : "NVT (Nosé–Hoover chain)";
}

std::vector<std::filesystem::path> output_paths(const RunPlan& plan) {
  std::vector<std::filesystem::path> paths;
  if (!plan.thermo.path.empty()) paths.push_back(plan.thermo.path);
  for (const TrajectorySpec& t : plan.trajectories) paths.push_back(t.path);
  for (auto& p : analysis_output_paths(plan)) paths.push_back(std::move(p));
  return paths;
}

// Refuses to replace existing outputs unless the plan says so; runs before anything is opened.
void check_outputs(const RunPlan& plan) {
  for (const auto& p : output_paths(plan)) {
    if (std::filesystem::exists(p) && !plan.overwrite)
      throw InputError(plan.input_file.string(),
                       fmt::format("output file {} already exists; remove it, choose another path "
                                   "or set output.overwrite = true",
                                   p.string()));
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  }
}

}  // namespace

std::string describe_plan(const RunPlan& plan) {
  std::string out = fmt::format("input     {}\nstructure {} (format {})\npotential {}", plan.input_file.string(),
                                plan.structure.string(), plan.structure_format, plan.potential.kind);
  if (plan.potential.kind == "lj" || plan.potential.kind == "morse")
    out += fmt::format(", cut-off {} Å, {} pair(s){}", plan.potential.cutoff, plan.potential.pairs.size(),
                       plan.potential.shift ? ", shifted" : "");
  else
    out += fmt::format(", model {} ({})", plan.potential.model.string(), plan.potential.precision);
  out += fmt::format("\nneighbor  skin {} Å\nbackend   {}\nstages:\n", plan.neighbor_skin, plan.backend);
  double time = 0.0;
  std::int64_t steps = 0;
  for (std::size_t k = 0; k < plan.stages.size(); ++k) {
    const StageSpec& s = plan.stages[k];
    out += fmt::format("  {}. {:<12} {:<26} dt {} fs  {} steps = {} ps", k + 1, s.name, ensemble_name(s),
                       s.timestep * 1e3, s.steps, s.steps * s.timestep);
    if (s.ensemble == Ensemble::NVT) {
      out += s.temperature.start == s.temperature.stop
                 ? fmt::format("  T {} K", s.temperature.start)
                 : fmt::format("  T {} -> {} K ({:.4g} K/ps)", s.temperature.start, s.temperature.stop,
                               (s.temperature.stop - s.temperature.start) / (s.steps * s.timestep));
      out += s.thermostat == Thermostat::Langevin
                 ? fmt::format("  friction time {} ps, seed {}", s.friction_time, s.seed)
                 : fmt::format("  tdamp {} ps, chain {}", s.tdamp, s.chain_length);
    }
    out += "\n";
    time += s.steps * s.timestep;
    steps += s.steps;
  }
  out += fmt::format("total     {} steps, {} ps\noutputs:\n", steps, time);
  if (!plan.thermo.path.empty())
    out += fmt::format("  thermo      {} every {} steps\n", plan.thermo.path.string(), plan.thermo.every);
  for (const TrajectorySpec& t : plan.trajectories)
    out += fmt::format("  trajectory  {} ({}) every {} steps{}{}\n", t.path.string(), t.format, t.every,
                       t.velocities ? ", velocities" : "", t.forces ? ", forces" : "");
  return out + describe_analyses(plan);
}

System prepare_system(const RunPlan& plan) {
  System system = read_structure(plan.structure, plan.structure_format);
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
        const double t = first && first->ensemble == Ensemble::NVT ? first->temperature.start : 0.0;
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

void execute(const RunPlan& plan, const std::function<void(const std::string&)>& log) {
  System system = prepare_system(plan);
  check_min_distance(system, plan.min_distance, plan.structure.string());
  auto backend = make_backend(plan.backend, plan.threads);
  auto potential = make_potential(plan.potential, system, *backend);
  auto analyses = make_analysis_observers(plan, system, log);
  check_outputs(plan);

  log(fmt::format("mdgpu {} | {} atoms, {} species | {} | {}", MDGPU_VERSION, system.size(),
                  system.species.size(), backend->describe(), potential->describe()));
  Simulation sim(plan, std::move(system), *backend, *potential);
  if (!plan.thermo.path.empty())
    sim.add_observer(std::make_unique<ThermoLog>(plan.thermo.path, plan.thermo.every));
  for (const TrajectorySpec& t : plan.trajectories) sim.add_observer(make_trajectory(t));
  for (auto& a : analyses) sim.add_observer(std::move(a));
  sim.set_progress_sink(log);

  const auto start = std::chrono::steady_clock::now();
  sim.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto& nl = sim.force_computer().neighbors();
  log(fmt::format("done: {} steps in {:.2f} s ({:.4g} atom-steps/s), {} neighbor-list builds",
                  sim.step(), wall, wall > 0 ? sim.step() * double(sim.system().size()) / wall : 0.0,
                  nl.builds()));
}

}  // namespace mdgpu
