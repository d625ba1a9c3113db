#include "analysis/arrhenius.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/diffusivity.hpp"
#include "analysis/linear_fit.hpp"
#include "core/errors.hpp"
#include "core/units.hpp"
#include "core/hdf5_file.hpp"

namespace mdgpu {
namespace {

bool is_msd_result(const std::filesystem::path& p) {
  if (p.extension() != ".h5") return false;
  try {
    const h5::File f(p.string(), h5::Mode::Read);
    return f.has_attr("/", "mdgpu_analysis") && f.attr_string("/", "mdgpu_analysis") == "msd";
  } catch (const InputError&) {
    return false;
  }
}

std::vector<std::filesystem::path> result_files(const std::vector<std::filesystem::path>& inputs) {
  std::vector<std::filesystem::path> files;
  for (const auto& in : inputs) {
    if (std::filesystem::is_directory(in)) {
      std::vector<std::filesystem::path> found;
      for (const auto& e : std::filesystem::directory_iterator(in))
        if (is_msd_result(e.path())) found.push_back(e.path());
      if (found.empty())
        throw InputError(in.string(),
                         "no MSD results here (.h5 files written by [analysis.msd] or "
                         "'mdgpu analyze msd')");
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (!std::filesystem::exists(in)) {
      throw InputError(in.string(), "no such file or directory");
    } else if (!is_msd_result(in)) {
      throw InputError(
          in.string(),
          "not an MSD result file (.h5 written by [analysis.msd] or 'mdgpu analyze msd')");
    } else {
      files.push_back(in);
    }
  }
  return files;
}

double optional_attr(const h5::File& f, const std::string& at, const char* name) {
  return f.has_attr(at, name) ? f.attr_double(at, name) : NAN;
}

double component_value(const h5::File& f, const std::string& dataset, int component,
                       double missing) {
  return f.exists(dataset) ? f.read_doubles(dataset).data.at(component) : missing;
}

ArrheniusPoint read_point(const h5::File& f, const std::string& group, int component) {
  const std::string at = "/groups/" + group;
  ArrheniusPoint p;
  p.source = f.path() + ":" + at;
  p.group = group;
  p.temperature = optional_attr(f, at, "temperature_K");
  p.D = component_value(f, at + "/D_A2_per_ps", component, NAN);
  p.error = component_value(f, at + "/D_err_A2_per_ps", component, NAN);
  // Results written before the window error existed have none: 0.
  p.window_error = component_value(f, at + "/D_window_err_A2_per_ps", component, 0.0);
  if (!std::isfinite(p.window_error)) p.window_error = 0.0;
  p.loglog_slope = component_value(f, at + "/loglog_slope", component, NAN);
  p.atoms = optional_attr(f, at, "atoms");
  p.volume = optional_attr(f, at, "volume_A3");
  p.charge = optional_attr(f, at, "charge_e");
  const std::string note = f.attr_string(at, "note");
  if (!(p.D > 0))
    p.excluded = note.empty() ? "no positive D" : note;
  else if (!(p.error > 0))
    p.excluded = note.empty() ? "D has no error" : note;
  else if (!(std::fabs(p.loglog_slope - 1.0) <= kLinearTolerance))
    p.excluded = fmt::format(
        "NOT linear: log-log slope {:.2f} over the fit window (1 ± {} is "
        "diffusive)",
        p.loglog_slope, kLinearTolerance);
  else if (!(p.temperature > 0))
    p.excluded = "no temperature: the MSD had none (give temperature= to 'mdgpu analyze msd')";
  return p;
}

}  // namespace

std::vector<ArrheniusPoint> read_arrhenius_points(const std::vector<std::filesystem::path>& inputs,
                                                  const ArrheniusSpec& spec) {
  std::vector<ArrheniusPoint> points;
  const auto files = result_files(inputs);
  std::vector<std::string> shared;  // groups every file has
  for (std::size_t k = 0; k < files.size(); ++k) {
    const h5::File f(files[k].string(), h5::Mode::Read);
    const auto groups = f.list("/groups");
    if (k == 0) shared = groups;
    std::vector<std::string> kept;
    for (const auto& g : shared)
      if (std::find(groups.begin(), groups.end(), g) != groups.end()) kept.push_back(g);
    shared = kept;
  }
  if (!spec.group.empty()) {
    if (std::find(shared.begin(), shared.end(), spec.group) == shared.end())
      throw InputError("mdgpu analyze arrhenius: group",
                       fmt::format("not every input has group '{}' (all have: {})", spec.group,
                                   fmt::join(shared, ", ")));
    shared = {spec.group};
  }
  if (shared.empty()) throw InputError("mdgpu analyze arrhenius", "the inputs share no MSD group");
  for (const auto& file : files) {
    const h5::File f(file.string(), h5::Mode::Read);
    const auto names = f.attr_strings("/", "components");
    const auto c = std::find(names.begin(), names.end(), spec.component);
    if (c == names.end()) throw InputError(f.path(), "has no component '" + spec.component + "'");
    for (const auto& g : shared)
      points.push_back(read_point(f, g, static_cast<int>(c - names.begin())));
  }
  return points;
}

ArrheniusFit fit_arrhenius(const std::vector<ArrheniusPoint>& all, double temperature,
                           const std::string& where) {
  std::set<double> temperatures;
  std::vector<double> x, y, e;
  std::vector<const ArrheniusPoint*> points;
  std::vector<std::string> excluded;
  for (const ArrheniusPoint& p : all) {
    if (!p.excluded.empty()) {
      excluded.push_back(fmt::format("{} ({})", p.source, p.excluded));
      continue;
    }
    points.push_back(&p);
    if (!(p.charge == points.front()->charge) &&
        !(std::isnan(p.charge) && std::isnan(points.front()->charge)))
      throw InputError(p.source, "its charge differs from the other inputs'");
  }
  double atoms = 0.0, volume = 0.0;
  for (const ArrheniusPoint* p : points) {
    temperatures.insert(p->temperature);
    x.push_back(1.0 / p->temperature);
    y.push_back(std::log(p->D));
    e.push_back(p->total_error() / p->D);
    atoms += p->atoms / points.size();
    volume += p->volume / points.size();
  }
  if (static_cast<int>(temperatures.size()) < kMinArrheniusTemperatures)
    throw InputError(
        where, fmt::format("too few points for a fit: {} temperature(s), at least {} distinct "
                           "are needed{}{}",
                           temperatures.size(), kMinArrheniusTemperatures,
                           excluded.empty() ? "" : "; excluded: ", fmt::join(excluded, "; ")));
  const LineFit line = fit_line(x, y, e);
  ArrheniusFit f;
  f.points = line.points;
  f.dof = line.points - 2;
  f.chi2 = line.chi2;
  f.error_scale = f.dof > 0 ? std::max(1.0, std::sqrt(line.chi2 / f.dof)) : 1.0;
  f.Ea = -line.slope * units::kBoltzmann;
  f.Ea_error = std::sqrt(line.var_slope) * units::kBoltzmann * f.error_scale;
  f.ln_D0 = line.intercept;
  f.ln_D0_error = std::sqrt(line.var_intercept) * f.error_scale;
  f.temperature = temperature;
  const double u = 1.0 / temperature;
  f.ln_D = line.intercept + line.slope * u;
  f.ln_D_error = std::sqrt(line.var_intercept + u * u * line.var_slope + 2 * u * line.covariance) *
                 f.error_scale;
  f.sigma = nernst_einstein(atoms, volume, points.front()->charge, std::exp(f.ln_D), temperature);
  return f;
}

}  // namespace mdgpu
