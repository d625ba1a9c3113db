// TOML -> RunPlan. Each table has a reader that first rejects the keys it does not know,
// suggesting the nearest valid one (most input mistakes are typos), then reads, type-checks and
// range-checks the rest into engine units (io/toml_section.hpp). Each potential kind reads its own
// keys, as does each stage kind, trajectory format and analysis (io/kinds/, listed in
// io/potential_kinds.cpp, io/stage_kinds.cpp, io/trajectory_formats.cpp and io/analysis_kinds.cpp).
#include "io/config.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/errors.hpp"
#include "io/analysis_kinds.hpp"
#include "io/candidates_config.hpp"
#include "io/input_files.hpp"
#include "io/input_limits.hpp"
#include "io/output_claims.hpp"
#include "io/potential_kinds.hpp"
#include "io/stage_kinds.hpp"
#include "io/trajectory_formats.hpp"
#include "io/toml_depth.hpp"
#include "io/toml_section.hpp"

namespace mdgpu {
namespace {

namespace fs = std::filesystem;

VelocitySpec read_velocities(const Section& system) {
  VelocitySpec v;
  const toml::node* n = system.node("velocities");
  if (!n) return v;
  if (n->is_table()) {
    const Section mb = system.section("velocities", "system.velocities");
    mb.allow({"temperature", "seed"});
    v.source = VelocitySpec::Source::MaxwellBoltzmann;
    v.temperature = mb.required_number("temperature", Rule::NonNegative);
    if (auto seed = mb.integer("seed", 0)) v.seed = static_cast<std::uint64_t>(*seed);
    return v;
  }
  if (!n->is_string())
    system.fail("velocities",
                fmt::format("expected \"auto\", \"file\", \"zero\" or a table such as "
                            "{{ temperature = 300.0, seed = 42 }}, got {}",
                            got(*n)));
  const std::string source = system.choice("velocities", {"auto", "file", "zero"}, "auto");
  v.source = source == "file"   ? VelocitySpec::Source::File
             : source == "zero" ? VelocitySpec::Source::Zero
                                : VelocitySpec::Source::Auto;
  return v;
}

void read_system(const Section& root, RunPlan& plan) {
  const Section s = root.section("system", "[system]");
  s.allow({"structure", "format", "frame", "min_distance", "masses", "velocities"});
  plan.structure = s.existing_file("structure");
  plan.structure_format = s.choice("format", {"auto", "extxyz", "poscar"}, "auto");
  plan.structure_frame = s.integer("frame").value_or(plan.structure_frame);
  plan.min_distance = s.number("min_distance", Rule::Positive).value_or(plan.min_distance);
  const Section masses = s.section("masses", "system.masses");
  for (auto&& [key, value] : masses.table()) {
    const std::string symbol(key.str());
    check_element(masses, symbol, symbol);
    plan.masses[symbol] = *masses.number(symbol, Rule::Positive);
  }
  plan.velocities = read_velocities(s);
}

// Every `every` steps and/or `every_ps` ps; the default clock is the steps one. The default file
// is named after the input ("melt.toml" -> "melt.ckpt.h5"), so runs sharing a folder do not clash.
CheckpointSpec read_checkpoint(const Section& c, OutputPaths& paths) {
  c.allow({"path", "every", "every_ps"});
  CheckpointSpec spec;
  const std::string stem = fs::path(c.source().file).stem().string();
  spec.path = paths.claim(c, "path", (stem.empty() ? "run" : stem) + ".ckpt.h5");
  const auto every_ps = c.number("every_ps", Rule::Positive);
  spec.every = c.integer("every", 1).value_or(every_ps ? 0 : spec.every);
  spec.every_ps = every_ps.value_or(0.0);
  return spec;
}

OutputPaths read_output(const Section& root, RunPlan& plan) {
  const Section s = root.section("output", "[output]");
  s.allow({"directory", "overwrite", "progress_every_s", "thermo", "trajectory", "checkpoint", "candidates"});
  if (auto dir = s.string("directory")) plan.output_directory = fs::path(*dir).lexically_normal();
  plan.overwrite = s.boolean("overwrite").value_or(plan.overwrite);
  plan.progress_interval =
      s.number("progress_every_s", Rule::NonNegative).value_or(plan.progress_interval);
  OutputPaths paths(plan.output_directory);

  const Section thermo = s.section("thermo", "output.thermo");
  thermo.allow({"path", "every"});
  plan.thermo.path = paths.claim(thermo, "path", plan.thermo.path.string());
  plan.thermo.every = thermo.integer("every", 1).value_or(plan.thermo.every);
  plan.checkpoint = read_checkpoint(s.section("checkpoint", "output.checkpoint"), paths);
  plan.candidates = read_candidates(s, paths, plan.potential);

  const bool committee = is_committee(plan.potential);
  const toml::node* trajectory = s.node("trajectory");
  if (trajectory && trajectory->is_table()) {
    plan.trajectories.push_back(
        read_trajectory(s.section("trajectory", "output.trajectory"), paths, committee));
    return paths;
  }
  if (trajectory && !trajectory->is_array())
    s.fail("trajectory",
           fmt::format("expected a table or an array of tables, got {}", got(*trajectory)));
  const auto label = [](std::size_t i) { return fmt::format("[[output.trajectory]] #{}", i); };
  for (const Section& t : s.array_of_tables("trajectory", label))
    plan.trajectories.push_back(read_trajectory(t, paths, committee));
  return paths;
}

// key=value command-line options as one TOML table. A value that is not TOML is taken as a
// string, so that `species=Li` works without shell-quoted quotes.
toml::table parse_options(const std::vector<std::string>& options, const Source& src) {
  std::string text;
  for (const std::string& option : options) {
    const std::size_t eq = option.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError(src.file, fmt::format("expected key=value, got '{}'", option));
    std::string line = option.substr(0, eq) + " = " + option.substr(eq + 1);
    bool is_toml = true;
    try {
      static_cast<void>(toml::parse(line));
    } catch (const toml::parse_error&) {
      is_toml = false;
    }
    if (!is_toml) {
      std::string quoted;
      for (char c : option.substr(eq + 1)) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
      }
      line = option.substr(0, eq) + " = \"" + quoted + "\"";
    }
    text += line + "\n";
  }
  try {
    return toml::parse(text, src.file);
  } catch (const toml::parse_error& e) {
    throw InputError(src.file, fmt::format("cannot read the options: {}", e.description()));
  }
}

}  // namespace

RunPlan parse_run_plan(std::string_view toml_text, const std::filesystem::path& name_for_messages) {
  const Source src{name_for_messages.string(), name_for_messages.parent_path()};
  check_toml_depth(toml_text, src.file);
  toml::table doc;
  try {
    doc = toml::parse(toml_text, src.file);
  } catch (const toml::parse_error& e) {
    throw InputError(
        fmt::format("{}:{}:{}", src.file, e.source().begin.line, e.source().begin.column),
        fmt::format("TOML syntax error: {}", e.description()));
  }
  const Section root(src, doc, "", "the top-level table", 0);
  root.allow({"system", "potential", "neighbor", "run", "stage", "output", "guard", "analysis"});

  RunPlan plan;
  plan.input_file = name_for_messages;
  read_system(root, plan);
  plan.potential = read_potential(root);

  const Section neighbor = root.section("neighbor", "[neighbor]");
  neighbor.allow({"skin"});
  plan.neighbor_skin = neighbor.number("skin", Rule::NonNegative).value_or(plan.neighbor_skin);

  const Section run = root.section("run", "[run]");
  run.allow({"backend", "threads"});
  plan.backend = run.choice("backend", {"auto", "cpu", "cuda"}, "auto");
  plan.threads = static_cast<int>(run.integer("threads", 0, kMaxThreads).value_or(plan.threads));

  plan.stages = read_stages(root);
  OutputPaths paths = read_output(root, plan);
  plan.analyses = read_analyses(root, plan.stages, paths);

  const Section guard = root.section("guard", "[guard]");
  guard.allow({"max_displacement", "max_force"});
  plan.guard.max_displacement =
      guard.number("max_displacement", Rule::Positive).value_or(plan.guard.max_displacement);
  plan.guard.max_force = guard.number("max_force", Rule::Positive).value_or(plan.guard.max_force);
  return plan;
}

RunPlan load_run_plan(const std::filesystem::path& toml_file) {
  return parse_run_plan(read_small_input(toml_file, "input file"), toml_file);
}

std::string key_location(const std::filesystem::path& toml_file, std::string_view key_path) {
  std::uint32_t line = 0;
  try {
    const toml::table doc = toml::parse(read_small_input(toml_file, "input file"), toml_file.string());
    // Messages count array entries from 1 ("stage[2]"), toml++'s paths from 0.
    std::string lookup;
    for (std::size_t i = 0; i < key_path.size(); ++i) {
      lookup += key_path[i];
      if (key_path[i] != '[') continue;
      const std::size_t close = key_path.find(']', i);
      if (close == std::string_view::npos) break;
      const std::string index(key_path.substr(i + 1, close - i - 1));
      lookup += std::to_string(std::stoull(index) - 1);
      i = close - 1;
    }
    if (const toml::node* n = doc.at_path(lookup).node()) line = n->source().begin.line;
  } catch (const std::exception&) {  // the file changed since it was read: name it without a line
  }
  const Source src{toml_file.string(), toml_file.parent_path()};
  return where(src, line, key_path);
}

AnalysisSpec parse_analysis_options(std::string_view kind, const std::vector<std::string>& options) {
  const AnalysisKind* analysis = find_analysis_kind(kind);
  if (!analysis) throw std::invalid_argument("parse_analysis_options: unknown kind");
  const Source src{fmt::format("mdgpu analyze {}", kind), fs::current_path(), false};
  const toml::table table = parse_options(options, src);
  const Section s(src, table, "", fmt::format("the options of 'mdgpu analyze {}'", kind), 0);
  return read_analysis(*analysis, s, AnalysisContext{});
}

ArrheniusSpec parse_arrhenius_options(const std::vector<std::string>& options) {
  const Source src{"mdgpu analyze arrhenius", fs::current_path(), false};
  const toml::table table = parse_options(options, src);
  const Section s(src, table, "", "the options of 'mdgpu analyze arrhenius'", 0);
  s.allow({"group", "component", "path", "extrapolate_to"});
  ArrheniusSpec a;
  a.group = s.string("group").value_or("");
  a.component = s.choice("component", {"x", "y", "z", "a", "b", "c", "ab", "total"}, "total");
  a.path = s.string("path").value_or(a.path);
  a.extrapolate_to = s.number("extrapolate_to", Rule::Positive).value_or(a.extrapolate_to);
  return a;
}

}  // namespace mdgpu
