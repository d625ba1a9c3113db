#include "app/evaluation.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "engine/atoms.hpp"
#include "engine/neighbor_list.hpp"
#include "io/potential_kinds.hpp"

namespace mdgpu {

FrameEvaluator::FrameEvaluator(PotentialSpec spec, Backend& backend)
    : spec_(std::move(spec)), backend_(backend) {}

Potential& FrameEvaluator::potential_for(const System& system) {
  std::unique_ptr<Potential>& p = potentials_[system.species];
  if (!p) p = make_potential(spec_, system, backend_);
  return *p;
}

FramePrediction FrameEvaluator::evaluate(const System& system) {
  Potential& potential = potential_for(system);
  const auto n = system.size();
  // The frame in the backend's memory (the neighbor list wraps positions: a copy in any case).
  const Space space = backend_.space();
  Atoms atoms(space, system);
  AtomsView view = atoms.view();
  NeighborList list(backend_, potential.cutoff(), 0.0);
  list.update(view, system.box, true);
  Buffer<double> per_atom(space, n);
  const ForceResult result = potential.compute(view, list.view(), system.box, per_atom.data());
  FramePrediction p;
  per_atom.download(p.per_atom);
  atoms.download_forces(p.forces);
  p.energy = result.energy;
  p.virial = result.virial;
  if (const CommitteePotential* c = as_committee(potential)) {
    p.committee = c->stats();
    c->force_deviation().download(p.force_dev);
  }
  if (system.box.has_volume()) {
    const double v = std::fabs(system.box.volume());
    Mat3 s{};
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) s[a][b] = -result.virial[a][b] / v;
    p.stress = s;
  }
  return p;
}

FrameLabels frame_labels(const Frame& frame) {
  FrameLabels l;
  if (auto e = info_numbers(frame, "energy")) {
    if (e->size() != 1) throw InputError(frame.where, "'energy' must be one number");
    l.energy = (*e)[0];
  }
  if (auto it = frame.arrays.find("forces"); it != frame.arrays.end()) {
    if (it->second.columns != 3) throw InputError(frame.where, "'forces' must have 3 columns");
    Vec3Array f;
    f.resize(frame.system.size());
    for (std::size_t i = 0; i < frame.system.size(); ++i) {
      f.x[i] = it->second.values[3 * i];
      f.y[i] = it->second.values[3 * i + 1];
      f.z[i] = it->second.values[3 * i + 2];
    }
    l.forces = std::move(f);
  }
  auto matrix = [&](const std::vector<double>& v, const char* key) {
    Mat3 m{};
    if (v.size() == 9) {
      for (int k = 0; k < 9; ++k) m[k / 3][k % 3] = v[k];
    } else if (v.size() == 6) {  // Voigt xx yy zz yz xz xy
      m = {Vec3{v[0], v[5], v[4]}, Vec3{v[5], v[1], v[3]}, Vec3{v[4], v[3], v[2]}};
    } else {
      throw InputError(frame.where, fmt::format("'{}' must have 9 (or 6 Voigt) numbers", key));
    }
    return m;
  };
  if (auto s = info_numbers(frame, "stress")) {
    l.stress = matrix(*s, "stress");
  } else if (auto w = info_numbers(frame, "virial")) {
    if (!frame.system.box.has_volume()) throw InputError(frame.where, "a virial label needs a cell volume");
    Mat3 m = matrix(*w, "virial");
    const double v = std::fabs(frame.system.box.volume());
    for (auto& row : m)
      for (double& x : row) x = -x / v;
    l.stress = m;
  }
  if (auto it = frame.info.find("config_type"); it != frame.info.end()) l.config_type = it->second;
  return l;
}

namespace {

void add_to(ErrorStats& s, const System& system, const FramePrediction& p, const FrameLabels& l,
            const std::string* species) {
  const std::size_t n = system.size();
  if (l.energy && !species) {
    s.frames += 1;
    s.energy_abs += std::fabs(p.energy - *l.energy) / static_cast<double>(n);
  }
  if (l.forces)
    for (std::size_t i = 0; i < n; ++i) {
      if (species && system.species[system.type[i]] != *species) continue;
      for (double d : {p.forces.x[i] - l.forces->x[i], p.forces.y[i] - l.forces->y[i], p.forces.z[i] - l.forces->z[i]}) {
        s.force_components += 1;
        s.force_abs += std::fabs(d);
        s.force_sq += d * d;
      }
    }
  if (l.stress && p.stress && !species) {
    double sum = 0.0;
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) sum += std::fabs((*p.stress)[a][b] - (*l.stress)[a][b]);
    s.stress_frames += 1;
    s.stress_abs += sum / 9.0;
  }
}

std::string row(const std::string& name, const ErrorStats& s) {
  auto cell = [](bool have, double v) { return have ? fmt::format("{:12.3f}", v) : fmt::format("{:>12}", "-"); };
  const double nf = static_cast<double>(std::max<std::int64_t>(s.force_components, 1));
  return fmt::format("  {:<20}{}{}{}{}\n", name, cell(s.frames > 0, 1e3 * s.energy_abs / std::max(s.frames, 1)),
                     cell(s.force_components > 0, 1e3 * s.force_abs / nf),
                     cell(s.force_components > 0, 1e3 * std::sqrt(s.force_sq / nf)),
                     cell(s.stress_frames > 0, 1e3 * s.stress_abs / std::max(s.stress_frames, 1)));
}

}  // namespace

void ErrorReport::add(const System& system, const FramePrediction& p, const FrameLabels& labels) {
  add_to(overall, system, p, labels, nullptr);
  for (const auto& sp : system.species) add_to(by_species[sp], system, p, labels, &sp);
  if (!labels.config_type.empty()) add_to(by_config_type[labels.config_type], system, p, labels, nullptr);
}

std::string ErrorReport::format() const {
  std::string out = fmt::format("  {:<20}{:>12}{:>12}{:>12}{:>12}\n", "", "E MAE", "F MAE", "F RMSE", "σ MAE");
  out += fmt::format("  {:<20}{:>12}{:>12}{:>12}{:>12}\n", "", "meV/atom", "meV/Å", "meV/Å", "meV/Å³");
  out += row("all", overall);
  for (const auto& [name, s] : by_species) out += row("species " + name, s);
  for (const auto& [name, s] : by_config_type) out += row("config_type " + name, s);
  return out;
}

}  // namespace mdgpu
