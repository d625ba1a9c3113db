// TOML -> RunPlan. Each table has a reader that first rejects the keys it does not know,
// suggesting the nearest valid one (most input mistakes are typos), then reads, type-checks and
// range-checks the rest into engine units (io/toml_section.hpp). Each potential kind reads its own
// keys, as does each stage kind and trajectory format (io/kinds/, listed in io/potential_kinds.cpp,
// io/stage_kinds.cpp and io/trajectory_formats.cpp).
#include "io/config.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/errors.hpp"
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
  s.allow({"directory", "overwrite", "progress_every_s", "thermo", "trajectory", "checkpoint"});
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

  const toml::node* trajectory = s.node("trajectory");
  if (trajectory && trajectory->is_table()) {
    plan.trajectories.push_back(
        read_trajectory(s.section("trajectory", "output.trajectory"), paths));
    return paths;
  }
  if (trajectory && !trajectory->is_array())
    s.fail("trajectory",
           fmt::format("expected a table or an array of tables, got {}", got(*trajectory)));
  const auto label = [](std::size_t i) { return fmt::format("[[output.trajectory]] #{}", i); };
  for (const Section& t : s.array_of_tables("trajectory", label))
    plan.trajectories.push_back(read_trajectory(t, paths));
  return paths;
}

// ----- [analysis.*]: the on-the-fly analyses; the same readers take `mdgpu analyze` options -----

// What the analysis readers need to know about where their table sits: in an input file (with
// its stages and output paths) or on the command line of `mdgpu analyze`.
struct AnalysisContext {
  const std::vector<StageSpec>* stages = nullptr;  // null for `mdgpu analyze`
  OutputPaths* paths = nullptr;
};

// A string or an array of strings (one name is accepted for a list of one); nullopt when absent.
std::optional<std::vector<std::string>> string_list(const Section& s, std::string_view key) {
  const toml::node* n = s.node(key);
  if (!n) return std::nullopt;
  if (n->is_string()) return std::vector<std::string>{*s.string(key)};
  const toml::array* a = n->as_array();
  std::vector<std::string> out;
  for (std::size_t i = 0; a && i < a->size(); ++i) {
    if (!(*a)[i].is_string()) a = nullptr;
    else out.push_back((*a)[i].as_string()->get());
  }
  if (!a) s.fail(key, fmt::format("expected a string or an array of strings, got {}", got(*n)));
  for (auto it = out.begin(); it != out.end(); ++it)
    if (std::find(out.begin(), it, *it) != it) s.fail(key, fmt::format("'{}' is listed twice", *it));
  return out;
}

std::vector<std::string> species_list(const Section& s, std::string_view key) {
  std::vector<std::string> out = string_list(s, key).value_or(std::vector<std::string>{});
  for (const std::string& symbol : out) check_element(s, key, symbol);
  return out;
}

// A time window of an analysis (max lag, origin spacing, fit start), > 0 and, in an input file,
// at most INT_MAX sampling intervals of any stage (the analyses count lags in int).
std::optional<double> window_ps(const Section& s, std::string_view key, const AnalysisContext& ctx,
                                std::int64_t every) {
  const auto t = s.number(key, Rule::Positive);
  for (std::size_t k = 0; t && ctx.stages && k < ctx.stages->size(); ++k) {
    if (!has_clock((*ctx.stages)[k])) continue;
    const double intervals = *t / (static_cast<double>(every) * (*ctx.stages)[k].timestep);
    if (intervals > std::numeric_limits<int>::max())
      s.fail(key, fmt::format("{:g} ps is {:.3g} sampling intervals of stage[{}]; at most {}", *t,
                              intervals, k + 1, std::numeric_limits<int>::max()));
  }
  return t;
}

// Keys every analysis table has: every, path, stages.
AnalysisCommon read_common(const Section& s, const AnalysisContext& ctx, std::int64_t every,
                           std::string_view path) {
  AnalysisCommon c;
  std::string table_path = s.key_path("");
  if (!table_path.empty()) table_path.pop_back();  // the '.' before the (empty) key
  c.table = where(s.source(), s.line(), table_path);
  c.key_prefix = c.table + (table_path.empty() ? ": " : ".");
  for (auto&& [key, value] : s.table())
    c.where[std::string(key.str())] =
        where(s.source(), s.line_of(key.str()), s.key_path(key.str()));
  c.every = s.integer("every", 1).value_or(every);
  c.path = ctx.paths ? ctx.paths->claim(s, "path", path).string()
                     : s.string("path").value_or(std::string(path));
  if (!ctx.stages) {
    s.reject({"stages"}, "applies only to the [analysis] tables of an input file");
    return c;
  }
  c.stages = string_list(s, "stages").value_or(std::vector<std::string>{});
  for (const std::string& name : c.stages) {
    const auto known = std::find_if(ctx.stages->begin(), ctx.stages->end(),
                                    [&](const StageSpec& st) { return st.name == name; });
    if (known == ctx.stages->end()) {
      std::vector<std::string> names;
      for (const StageSpec& st : *ctx.stages) names.push_back(st.name);
      s.fail("stages",
             fmt::format("no stage is named '{}' (stages: {})", name, fmt::join(names, ", ")));
    }
  }
  return c;
}

SlabSpec read_slabs(const Section& s) {
  s.allow({"axis", "edges_angstrom", "edges_fractional"});
  s.choice("axis", {"c"}, "c");
  if (s.has("edges_angstrom") && s.has("edges_fractional"))
    s.fail(s.later("edges_angstrom", "edges_fractional"),
           "give either edges_angstrom or edges_fractional, not both");
  SlabSpec slabs;
  slabs.fractional = s.has("edges_fractional");
  const auto edges = number_list(s, slabs.fractional ? "edges_fractional" : "edges_angstrom");
  if (!edges) s.fail_here("missing slab edges: give edges_angstrom or edges_fractional");
  slabs.edges = *edges;
  return slabs;
}

MsdSpec read_msd(const Section& s, const AnalysisContext& ctx) {
  s.allow({"every", "path", "stages", "species", "max_lag_ps", "origin_every_ps", "blocks", "slabs",
           "remove_drift", "framework", "nn_distance", "fit_start_ps", "temperature", "charges"});
  MsdSpec m;
  m.common = read_common(s, ctx, ctx.stages ? 10 : 1, "msd");
  m.species = species_list(s, "species");
  m.max_lag = window_ps(s, "max_lag_ps", ctx, m.common.every);
  m.origin_every = window_ps(s, "origin_every_ps", ctx, m.common.every);
  m.blocks = static_cast<int>(s.integer("blocks", 2, 1000).value_or(m.blocks));
  if (s.has("slabs")) m.slabs = read_slabs(s.section("slabs", s.key_path("slabs")));
  m.remove_drift = s.boolean("remove_drift").value_or(false);
  if (!m.remove_drift) s.reject({"framework"}, "applies only with remove_drift = true");
  m.framework = species_list(s, "framework");
  m.nn_distance = s.number("nn_distance", Rule::Positive);
  m.fit_start = window_ps(s, "fit_start_ps", ctx, m.common.every);
  m.temperature = s.number("temperature", Rule::Positive);
  const Section charges = s.section("charges", s.key_path("charges"));
  for (auto&& [key, value] : charges.table()) {
    const std::string symbol(key.str());
    check_element(charges, symbol, symbol);
    m.charges[symbol] = *charges.number(symbol);
  }
  return m;
}

RdfSpec read_rdf(const Section& s, const AnalysisContext& ctx) {
  s.allow({"every", "path", "stages", "r_max", "bins"});
  RdfSpec r;
  r.common = read_common(s, ctx, ctx.stages ? 100 : 1, "rdf");
  r.r_max = s.number("r_max", Rule::Positive).value_or(r.r_max);
  r.bins = static_cast<int>(s.integer("bins", 1, 1000000).value_or(r.bins));
  return r;
}

MotifSpec read_motifs(const Section& s, const AnalysisContext& ctx) {
  s.allow({"every", "path", "stages", "p_o_cutoff", "p_n_cutoff"});
  MotifSpec m;
  m.common = read_common(s, ctx, ctx.stages ? 100 : 1, "motifs");
  m.p_o_cutoff = s.number("p_o_cutoff", Rule::Positive).value_or(m.p_o_cutoff);
  m.p_n_cutoff = s.number("p_n_cutoff", Rule::Positive).value_or(m.p_n_cutoff);
  return m;
}

ProfileSpec read_profile(const Section& s, const AnalysisContext& ctx) {
  s.allow({"every", "path", "stages", "bins", "species", "cutoff"});
  ProfileSpec p;
  p.common = read_common(s, ctx, ctx.stages ? 100 : 1, "profile");
  p.bins = static_cast<int>(s.integer("bins", 1, 1000000).value_or(p.bins));
  p.species = s.string("species").value_or(p.species);
  check_element(s, "species", p.species);
  p.cutoff = s.number("cutoff", Rule::Positive).value_or(p.cutoff);
  return p;
}

VdosSpec read_vdos(const Section& s, const AnalysisContext& ctx) {
  s.allow({"every", "path", "stages", "species", "max_lag_ps", "origin_every_ps"});
  VdosSpec v;
  v.common = read_common(s, ctx, ctx.stages ? 5 : 1, "vdos");
  v.species = species_list(s, "species");
  v.max_lag = window_ps(s, "max_lag_ps", ctx, v.common.every);
  v.origin_every = window_ps(s, "origin_every_ps", ctx, v.common.every);
  return v;
}

void read_analysis(const Section& root, RunPlan& plan, OutputPaths& paths) {
  const Section s = root.section("analysis", "[analysis]");
  s.allow({"msd", "rdf", "motifs", "profile", "vdos"});
  const AnalysisContext ctx{&plan.stages, &paths};
  AnalysisSpecs& a = plan.analysis;
  if (s.has("msd")) a.msd = read_msd(s.section("msd", "[analysis.msd]"), ctx);
  if (s.has("rdf")) a.rdf = read_rdf(s.section("rdf", "[analysis.rdf]"), ctx);
  if (s.has("motifs")) a.motifs = read_motifs(s.section("motifs", "[analysis.motifs]"), ctx);
  if (s.has("profile")) a.profile = read_profile(s.section("profile", "[analysis.profile]"), ctx);
  if (s.has("vdos")) a.vdos = read_vdos(s.section("vdos", "[analysis.vdos]"), ctx);
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
  read_analysis(root, plan, paths);

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

AnalysisSpecs parse_analysis_options(std::string_view kind,
                                     const std::vector<std::string>& options) {
  const Source src{fmt::format("mdgpu analyze {}", kind), fs::current_path(), false};
  const toml::table table = parse_options(options, src);
  const Section s(src, table, "", fmt::format("the options of 'mdgpu analyze {}'", kind), 0);
  const AnalysisContext ctx;
  AnalysisSpecs a;
  if (kind == "msd") a.msd = read_msd(s, ctx);
  else if (kind == "rdf") a.rdf = read_rdf(s, ctx);
  else if (kind == "motifs") a.motifs = read_motifs(s, ctx);
  else if (kind == "profile") a.profile = read_profile(s, ctx);
  else if (kind == "vdos") a.vdos = read_vdos(s, ctx);
  else throw std::invalid_argument("parse_analysis_options: unknown kind");
  return a;
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
