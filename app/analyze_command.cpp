#include "app/analyze_command.hpp"

#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/arrhenius.hpp"
#include "analysis/diffusivity.hpp"
#include "analysis/frame_analysis.hpp"
#include "analysis/output_files.hpp"
#include "analysis/trajectory_samples.hpp"
#include "app/memory_estimate.hpp"
#include "core/errors.hpp"
#include "io/analysis_kinds.hpp"
#include "io/config.hpp"

namespace mdgpu {
namespace {

namespace fs = std::filesystem;

struct Arguments {
  std::vector<std::string> positional, options;
  std::optional<double> frame_interval;
  std::vector<std::string> types;  // species of LAMMPS atom types 1, 2, ...
  bool overwrite = false;
};

Arguments split_arguments(const std::string& command, const std::vector<std::string>& args) {
  Arguments a;
  for (std::size_t k = 0; k < args.size(); ++k) {
    const std::string& s = args[k];
    if (s == "--overwrite") {
      a.overwrite = true;
    } else if (s == "--frame-interval-ps") {
      if (k + 1 >= args.size()) throw InputError(command, "--frame-interval-ps needs a value (ps)");
      char* end = nullptr;
      const double v = std::strtod(args[++k].c_str(), &end);
      if (*end != '\0' || !(v > 0) || !std::isfinite(v))
        throw InputError(
            command,
            fmt::format("--frame-interval-ps must be a time > 0 in ps, got '{}'", args[k]));
      a.frame_interval = v;
    } else if (s == "--types") {
      if (k + 1 >= args.size())
        throw InputError(command, "--types needs the species of LAMMPS types 1, 2, ... (Li,P,O)");
      for (std::size_t start = 0;;) {
        const std::size_t comma = args[k + 1].find(',', start);
        a.types.push_back(args[k + 1].substr(start, comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      ++k;
    } else if (!s.empty() && s[0] == '-') {
      throw InputError(command, fmt::format("unknown option '{}'", s));
    } else if (s.find('=') != std::string::npos && !fs::exists(s)) {
      a.options.push_back(s);
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

void refuse_overwrite(const std::vector<fs::path>& outputs, bool overwrite) {
  for (const fs::path& p : outputs)
    if (fs::exists(p) && !overwrite)
      throw InputError(p.string(),
                       "output file already exists; remove it, choose another path= or "
                       "give --overwrite");
}

// Once every check has passed: the folders the results go to.
void create_output_folders(const std::vector<fs::path>& outputs) {
  for (const fs::path& p : outputs)
    if (p.has_parent_path()) fs::create_directories(p.parent_path());
}

void analyze_trajectory(const AnalysisKind& kind, const Arguments& a,
                        const std::function<void(const std::string&)>& out,
                        const std::function<void(const std::string&)>& warn) {
  const std::string command = fmt::format("mdgpu analyze {}", kind.name);
  if (a.positional.size() != 1)
    throw InputError(command,
                     fmt::format("give one trajectory file ({} given)", a.positional.size()));
  const AnalysisSpec spec = parse_analysis_options(kind.name, a.options);
  const AnalysisCommon& common = common_of(spec);
  const fs::path prefix = common.path;
  const std::vector<fs::path> outputs = analysis_outputs(kind, prefix);
  refuse_overwrite(outputs, a.overwrite);
  SampleOptions options;
  options.every = common.every;
  options.frame_interval = a.frame_interval;
  options.unwrap = kind.unwrapped;
  options.trajectory.type_species = a.types;
  options.progress = warn;
  TrajectorySamples samples(a.positional[0], options);
  System system;
  ThermoSample sample;
  samples.next(system, sample);
  check_analysis_memory({spec}, system);
  const auto analysis = make_analysis(spec, system, samples.stretch());
  create_output_folders(outputs);
  do analysis->add(system, sample);
  while (samples.next(system, sample));
  out(analysis->write(prefix));
  if (!samples.warning().empty()) warn(samples.warning());
}

void analyze_arrhenius(const Arguments& a, const std::function<void(const std::string&)>& out) {
  const std::string command = "mdgpu analyze arrhenius";
  if (a.frame_interval || !a.types.empty())
    throw InputError(command, "--frame-interval-ps and --types apply to trajectories only");
  if (a.positional.empty())
    throw InputError(command, "give the MSD results: directories or .h5 files");
  const ArrheniusSpec spec = parse_arrhenius_options(a.options);
  const std::vector<fs::path> outputs = {spec.path + ".csv", spec.path + "_fit.csv"};
  refuse_overwrite(outputs, a.overwrite);
  const auto points = read_arrhenius_points({a.positional.begin(), a.positional.end()}, spec);
  std::map<std::string, std::vector<ArrheniusPoint>> by_group;
  for (const ArrheniusPoint& p : points) by_group[p.group].push_back(p);

  std::string csv =
      "group,temperature_K,inv_temperature_per_K,D_cm2_per_s,D_err_cm2_per_s,"
      "D_window_err_cm2_per_s,ln_D_err,used,excluded,source\n";
  std::string fit_csv =
      "group,component,points,Ea_eV,Ea_err_eV,D0_cm2_per_s,ln_D0_err,chi2,dof,error_scale,"
      "T_extrapolated_K,D_cm2_per_s,ln_D_err,sigma_S_per_cm,haven_ratio,excluded_points\n";
  std::string summary = fmt::format(
      "Arrhenius fit of D ({} component), ln D = ln D0 - Ea/(kB T), "
      "weighted by the full (statistical + window) errors of D:",
      spec.component);
  const double cm2 = kAngstrom2PerPsToCm2PerS;
  for (const auto& [group, pts] : by_group) {
    int excluded = 0;
    for (const ArrheniusPoint& p : pts) {
      csv += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", group, csv_number(p.temperature),
                         csv_number(1.0 / p.temperature), csv_number(p.D * cm2),
                         csv_number(p.error * cm2), csv_number(p.window_error * cm2),
                         csv_number(p.total_error() / p.D), p.excluded.empty() ? 1 : 0,
                         csv_quote(p.excluded), csv_quote(p.source));
      if (p.excluded.empty()) continue;
      ++excluded;
      summary += fmt::format("\n  {}: excluded {}: {}", group, p.source, p.excluded);
    }
    const ArrheniusFit f =
        fit_arrhenius(pts, spec.extrapolate_to, fmt::format("{}: group {}", command, group));
    const double D = std::exp(f.ln_D) * cm2;
    fit_csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},1,{}\n", group,
                           spec.component, f.points, f.Ea, f.Ea_error, std::exp(f.ln_D0) * cm2,
                           f.ln_D0_error, f.chi2, f.dof, f.error_scale, f.temperature, D,
                           f.ln_D_error, csv_number(f.sigma), excluded);
    summary += fmt::format(
        "\n  {}: {} points, Ea = {:.4f} ± {:.4f} eV, D0 = {:.4g} cm²/s (ln error {:.2g}); at {} K: "
        "D = {:.4g} cm²/s (ln error {:.2g}){}; χ² = {:.3g} for {} dof{}",
        group, f.points, f.Ea, f.Ea_error, std::exp(f.ln_D0) * cm2, f.ln_D0_error, f.temperature, D,
        f.ln_D_error,
        std::isfinite(f.sigma)
            ? fmt::format(", σ = {:.4g} S/cm (Nernst–Einstein, Haven ratio 1)", f.sigma)
            : "",
        f.chi2, f.dof,
        f.error_scale > 1 ? fmt::format(" (errors scaled by {:.3g})", f.error_scale) : "");
  }
  create_output_folders(outputs);
  write_text_file(outputs[0], csv);
  write_text_file(outputs[1], fit_csv);
  out(summary);
}

}  // namespace

void analyze_command(const std::vector<std::string>& args,
                     const std::function<void(const std::string&)>& out,
                     const std::function<void(const std::string&)>& warn) {
  // The trajectory analyses (io/analysis_kinds.hpp), then the fit over their results.
  std::vector<std::string_view> names;
  for (const AnalysisKind& k : analysis_kinds()) names.push_back(k.name);
  const std::string choices = fmt::format("{} or arrhenius", fmt::join(names, ", "));
  if (args.empty()) throw InputError("mdgpu analyze", "name the analysis: " + choices);
  const std::string& kind = args[0];
  const Arguments a = split_arguments("mdgpu analyze " + kind, {args.begin() + 1, args.end()});
  if (kind == "arrhenius") return analyze_arrhenius(a, out);
  if (const AnalysisKind* k = find_analysis_kind(kind)) return analyze_trajectory(*k, a, out, warn);
  throw InputError("mdgpu analyze", fmt::format("unknown analysis '{}' ({})", kind, choices));
}

}  // namespace mdgpu
