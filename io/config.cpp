// TOML -> RunPlan. toml++ stays inside this file (it is a heavy header). Each table has a reader
// that first rejects the keys it does not know, suggesting the nearest valid one (most input
// mistakes are typos), then reads, type-checks and range-checks the rest into engine units.
#include "io/config.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/elements.hpp"
#include "core/errors.hpp"
#include "core/units.hpp"
#include "io/input_files.hpp"
#include "io/input_limits.hpp"
#include "io/toml_depth.hpp"

namespace mdgpu {
namespace {

namespace fs = std::filesystem;
using Words = std::initializer_list<std::string_view>;

// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + substitution});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// The valid word nearest to `word`, when it is near enough to be a plausible typo of it.
std::optional<std::string_view> nearest(std::string_view word, Words valid) {
  std::optional<std::string_view> best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (std::string_view candidate : valid) {
    // The distance is at least the difference in length: a megabyte key costs nothing.
    const std::size_t longer = std::max(word.size(), candidate.size());
    if (longer - std::min(word.size(), candidate.size()) >= best_distance) continue;
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance && d < word.size()) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

// "a string ("300")", "an integer", ...: what the user wrote, for "expected X, got Y".
std::string got(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return fmt::format("a string (\"{}\")", node.as_string()->get());
    case toml::node_type::array:
      return fmt::format("an array of {} element(s)", node.as_array()->size());
    case toml::node_type::table: return "a table";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

struct Source {
  std::string file;  // as messages name it
  fs::path dir;      // relative structure and model paths resolve against it
  bool numbered = true;  // lines mean something (not for command-line options)
};

std::string where(const Source& src, std::uint32_t line, std::string_view key_path) {
  std::string w = line > 0 && src.numbered ? fmt::format("{}:{}", src.file, line) : src.file;
  if (!key_path.empty()) w += fmt::format(": {}", key_path);
  return w;
}

// Range rules for numbers; the message states the rule and the value that broke it.
enum class Rule { Any, Positive, NonNegative };

// One TOML table and how messages name it: `path` prefixes key paths ("stage[2]"), `label` names
// the table in prose ("[[stage]] #2"), `line` is where it starts (0 for the document root).
class Section {
public:
  Section(const Source& src, const toml::table& table, std::string path, std::string label,
          std::uint32_t line)
      : src_(&src), table_(&table), path_(std::move(path)), label_(std::move(label)), line_(line) {}

  const Source& source() const { return *src_; }
  const toml::table& table() const { return *table_; }
  std::uint32_t line() const { return line_; }
  std::string key_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
  }
  const toml::node* node(std::string_view key) const { return table_->get(key); }
  bool has(std::string_view key) const { return node(key) != nullptr; }
  std::uint32_t line_of(std::string_view key) const {
    const toml::node* n = node(key);
    return n ? n->source().begin.line : line_;
  }
  // Of two keys both present, the one written later: where a "not both" error points.
  std::string_view later(std::string_view a, std::string_view b) const {
    return line_of(b) >= line_of(a) ? b : a;
  }

  [[noreturn]] void fail(std::string_view key, const std::string& what) const {
    throw InputError(where(*src_, line_of(key), key_path(key)), what);
  }
  [[noreturn]] void fail_here(const std::string& what) const {
    throw InputError(where(*src_, line_, path_), what);
  }
  [[noreturn]] void fail_missing(std::string_view key, std::string_view why = {}) const {
    fail(key, fmt::format("missing required key '{}' in {}{}", key, label_, why));
  }

  // Rejects the first (topmost) key not in `valid`, suggesting the nearest valid one.
  void allow(Words valid) const {
    std::optional<std::string_view> unknown;
    for (auto&& [key, value] : *table_) {
      if (std::find(valid.begin(), valid.end(), key.str()) != valid.end()) continue;
      if (!unknown || value.source().begin.line < line_of(*unknown)) unknown = key.str();
    }
    if (!unknown) return;
    const auto guess = nearest(*unknown, valid);
    fail(*unknown, fmt::format("unknown key '{}' in {}; {}", *unknown, label_,
                               guess ? fmt::format("did you mean '{}'?", *guess)
                                     : fmt::format("valid keys: {}", fmt::join(valid, ", "))));
  }

  // Rejects the first of `keys` present: keys that only make sense under another setting.
  void reject(Words keys, std::string_view why) const {
    for (std::string_view key : keys)
      if (has(key)) fail(key, fmt::format("'{}' {}", key, why));
  }

  // Typed reads: nullopt when absent, InputError when present with the wrong type or range.
  // Integers are accepted where a number is expected; inf and nan never are.
  std::optional<double> number(std::string_view key, Rule rule = Rule::Any) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    double v = 0.0;
    if (const auto* i = n->as_integer()) {
      v = static_cast<double>(i->get());
    } else if (const auto* f = n->as_floating_point()) {
      v = f->get();
      if (!std::isfinite(v)) fail(key, fmt::format("expected a finite number, got {}", v));
    } else {
      fail(key, fmt::format("expected a number, got {}", got(*n)));
    }
    if (rule == Rule::Positive && !(v > 0)) fail(key, fmt::format("must be > 0, got {}", v));
    if (rule == Rule::NonNegative && v < 0) fail(key, fmt::format("must be >= 0, got {}", v));
    return v;
  }
  double required_number(std::string_view key, Rule rule) const {
    if (!has(key)) fail_missing(key);
    return *number(key, rule);
  }

  std::optional<std::int64_t> integer(
      std::string_view key, std::int64_t min = std::numeric_limits<std::int64_t>::min(),
      std::int64_t max = std::numeric_limits<std::int64_t>::max()) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    const auto* i = n->as_integer();
    if (!i && n->is_floating_point())
      fail(key,
           fmt::format("expected an integer, got a float ({}); write it without a decimal point",
                       n->as_floating_point()->get()));
    if (!i) fail(key, fmt::format("expected an integer, got {}", got(*n)));
    if (i->get() < min) fail(key, fmt::format("must be >= {}, got {}", min, i->get()));
    if (i->get() > max) fail(key, fmt::format("must be <= {}, got {}", max, i->get()));
    return i->get();
  }

  std::optional<bool> boolean(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) fail(key, fmt::format("expected true or false, got {}", got(*n)));
    return n->as_boolean()->get();
  }

  std::optional<std::string> string(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) fail(key, fmt::format("expected a string, got {}", got(*n)));
    if (n->as_string()->get().empty()) fail(key, "must not be empty");
    return n->as_string()->get();
  }

  // A string that must be one of `valid`; `fallback` when absent (required when no fallback).
  std::string choice(std::string_view key, Words valid,
                     std::optional<std::string_view> fallback) const {
    const auto value = string(key);
    if (!value && !fallback)
      fail_missing(key, fmt::format(" (one of: {})", fmt::join(valid, ", ")));
    if (!value) return std::string(*fallback);
    if (std::find(valid.begin(), valid.end(), *value) == valid.end()) {
      const auto guess = nearest(*value, valid);
      fail(key, fmt::format("unknown {} '{}'; valid: {}{}", key, *value, fmt::join(valid, ", "),
                            guess ? fmt::format("; did you mean '{}'?", *guess) : ""));
    }
    return *value;
  }

  // A file the run reads: resolved against the input file's directory and checked to exist here,
  // where the message can still point at the line that names it.
  fs::path existing_file(std::string_view key) const {
    if (!has(key)) fail_missing(key);
    const fs::path p = fs::absolute(src_->dir / *string(key)).lexically_normal();
    check_regular_file(p, where(*src_, line_of(key), key_path(key)), "file");
    return p;
  }

  // The sub-table `key`, or an empty one (so that all its defaults apply) when absent.
  Section section(std::string_view key, std::string label) const {
    static const toml::table empty;
    const toml::node* n = node(key);
    if (n && !n->is_table()) fail(key, fmt::format("expected a table, got {}", got(*n)));
    return Section(*src_, n ? *n->as_table() : empty, key_path(key), std::move(label),
                   n ? n->source().begin.line : line_);
  }

  // The entries of an array of tables ([[stage]] or pairs = [{...}, ...]); `label(i)` names
  // entry i (1-based, as in every message).
  std::vector<Section> array_of_tables(std::string_view key,
                                       const std::function<std::string(std::size_t)>& label) const {
    const toml::node* n = node(key);
    if (!n) return {};
    const toml::array* entries = n->as_array();
    if (!entries)
      fail(key,
           fmt::format("expected an array of tables (write [[{}]] with double brackets), got {}",
                       key_path(key), got(*n)));
    std::vector<Section> sections;
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const toml::node& entry = (*entries)[i];
      const std::string path = fmt::format("{}[{}]", key_path(key), i + 1);
      if (!entry.is_table())
        throw InputError(where(*src_, entry.source().begin.line, path),
                         fmt::format("expected a table, got {}", got(entry)));
      sections.emplace_back(*src_, *entry.as_table(), path, label(i + 1),
                            entry.source().begin.line);
    }
    return sections;
  }

private:
  const Source* src_;
  const toml::table* table_;
  std::string path_;
  std::string label_;
  std::uint32_t line_;
};

// Species names are chemical symbols (case-sensitive), as in the structure readers.
void check_element(const Section& s, std::string_view key, const std::string& symbol) {
  if (find_element(symbol)) return;
  std::string fixed = symbol;
  std::transform(fixed.begin(), fixed.end(), fixed.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (!fixed.empty())
    fixed[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(fixed[0])));
  s.fail(key,
         fmt::format("'{}' is not a chemical element symbol (symbols are case-sensitive){}", symbol,
                     find_element(fixed) ? fmt::format("; did you mean '{}'?", fixed) : ""));
}

// A time given as `<stem>_fs` or `<stem>_ps` (at most one), > 0, returned in ps.
std::optional<double> time_ps(const Section& s, std::string_view stem) {
  const std::string fs_key = fmt::format("{}_fs", stem), ps_key = fmt::format("{}_ps", stem);
  if (s.has(fs_key) && s.has(ps_key))
    s.fail(s.later(fs_key, ps_key), fmt::format("give either {} or {}, not both", fs_key, ps_key));
  if (auto t = s.number(fs_key, Rule::Positive)) return *t * units::kFsToPs;
  return s.number(ps_key, Rule::Positive);
}

// `steps`, or `duration_ps` when it is a whole number of time steps (to 1e-9 relative): a
// duration silently rounded would change the physics (a ramp's rate, a production run's length).
std::int64_t read_steps(const Section& s, double timestep) {
  if (s.has("steps") && s.has("duration_ps"))
    s.fail(s.later("steps", "duration_ps"), "give either duration_ps or steps, not both");
  if (auto steps = s.integer("steps", 1, kMaxSteps)) return *steps;
  const auto duration = s.number("duration_ps", Rule::Positive);
  if (!duration) s.fail_here("missing stage length: give duration_ps or steps");
  const double n = *duration / timestep;
  if (n > static_cast<double>(kMaxSteps))
    s.fail("duration_ps",
           fmt::format("{} ps is {:.3g} steps of {:g} ps: too many", *duration, n, timestep));
  const std::int64_t whole = std::llround(n);
  if (whole < 1)
    s.fail("duration_ps",
           fmt::format("{} ps is shorter than one time step ({:g} ps)", *duration, timestep));
  if (std::abs(n - static_cast<double>(whole)) > 1e-9 * n)
    s.fail("duration_ps",
           fmt::format("{} ps is not a whole number of {:g} ps time steps ({:.9g} steps); nearest: "
                       "{} steps (duration_ps = {:.12g}), or give steps directly",
                       *duration, timestep, n, whole, static_cast<double>(whole) * timestep));
  return whole;
}

// A constant target (a number) or a linear ramp over the stage ({ start, stop }), in K.
TemperatureRamp read_temperature(const Section& s) {
  const toml::node* n = s.node("temperature");
  if (!n) s.fail_missing("temperature", " (ensembles nvt and npt need a target temperature in K)");
  if (n->is_table()) {
    const Section ramp = s.section("temperature", s.key_path("temperature"));
    ramp.allow({"start", "stop"});
    const double start = ramp.required_number("start", Rule::NonNegative);
    return {start, ramp.required_number("stop", Rule::NonNegative)};
  }
  if (!n->is_number())
    s.fail("temperature",
           fmt::format("expected a number (K) or a ramp {{ start = ..., stop = ... }}, got {}",
                       got(*n)));
  const double t = *s.number("temperature", Rule::NonNegative);
  return {t, t};
}

void read_nose_hoover(const Section& s, StageSpec& stage) {
  s.reject({"friction_fs", "friction_ps", "seed"}, "applies only to thermostat = \"langevin\"");
  // The chain's thermostat masses are proportional to the target temperature (as in LAMMPS,
  // which refuses 0 K for fix nvt too).
  if (stage.temperature.start <= 0 || stage.temperature.stop <= 0)
    s.fail("temperature",
           "Nose-Hoover needs a target temperature above 0 K; use thermostat = "
           "\"langevin\" to cool to 0 K");
  stage.tdamp = time_ps(s, "tdamp").value_or(100 * stage.timestep);
  stage.chain_length =
      static_cast<int>(s.integer("chain_length", 1, kMaxChainLength).value_or(stage.chain_length));
  stage.chain_substeps = static_cast<int>(
      s.integer("chain_substeps", 1, kMaxChainSubsteps).value_or(stage.chain_substeps));
}

void read_langevin(const Section& s, StageSpec& stage) {
  s.reject({"tdamp_fs", "tdamp_ps", "chain_length", "chain_substeps"},
           "applies only to thermostat = \"nose-hoover\"");
  stage.friction_time = time_ps(s, "friction").value_or(100 * stage.timestep);
  if (auto seed = s.integer("seed", 0)) stage.seed = static_cast<std::uint64_t>(*seed);
}

std::string read_stage_name(const Section& s, std::size_t index) {
  std::string name = s.string("name").value_or(fmt::format("stage{}", index));
  if (const std::string why = stage_name_problem(name); !why.empty())
    s.fail("name", fmt::format("stage name '{}' {}", name, why));
  return name;
}

#include "io/npt_stage.inc"
#include "io/minimize_stage.inc"

StageSpec read_stage(const Section& s, std::size_t index) {
  if (s.string("ensemble") == std::optional<std::string>("minimize")) return read_minimize_stage(s, index);
  s.allow({"name", "ensemble", "thermostat", "temperature", "timestep_fs", "timestep_ps",
           "duration_ps", "steps", "tdamp_fs", "tdamp_ps", "chain_length", "chain_substeps",
           "friction_fs", "friction_ps", "seed", "barostat"});
  StageSpec stage;
  stage.name = read_stage_name(s, index);
  const auto timestep = time_ps(s, "timestep");
  if (!timestep) s.fail_here("missing time step: give timestep_fs or timestep_ps");
  if (*timestep < kMinTimestepPs)
    s.fail(s.has("timestep_fs") ? "timestep_fs" : "timestep_ps",
           fmt::format("{:g} ps is below the smallest time step, {:g} fs", *timestep, kMinTimestepPs * 1e3));
  stage.timestep = *timestep;
  stage.steps = read_steps(s, stage.timestep);

  const std::string ensemble = s.choice("ensemble", {"nve", "nvt", "npt", "minimize"}, std::nullopt);
  if (ensemble == "npt") return read_npt_stage(s, stage);
  s.reject({"barostat"}, "applies only to ensemble = \"npt\"");
  if (ensemble == "nve") {
    s.reject({"thermostat", "temperature", "tdamp_fs", "tdamp_ps", "chain_length", "chain_substeps",
              "friction_fs", "friction_ps", "seed"},
             "applies only to ensemble = \"nvt\"");
    return stage;
  }
  stage.ensemble = Ensemble::NVT;
  const bool langevin =
      s.choice("thermostat", {"nose-hoover", "langevin"}, "nose-hoover") == "langevin";
  stage.temperature = read_temperature(s);
  if (langevin) {
    stage.thermostat = Thermostat::Langevin;
    read_langevin(s, stage);
  } else {
    stage.thermostat = Thermostat::NoseHoover;
    read_nose_hoover(s, stage);
  }
  return stage;
}

std::vector<StageSpec> read_stages(const Section& root) {
  std::vector<StageSpec> stages;
  std::map<std::string, std::size_t> first_use;  // stage name -> stage number
  const auto sections =
      root.array_of_tables("stage", [](std::size_t i) { return fmt::format("[[stage]] #{}", i); });
  std::int64_t total = 0;
  for (std::size_t i = 0; i < sections.size(); ++i) {
    stages.push_back(read_stage(sections[i], i + 1));
    if ((total = add_steps(total, stages.back().steps)) < 0)
      sections[i].fail_here(fmt::format("the stages up to this one hold more than {} steps in all",
                                        kMaxSteps));
    const auto [it, fresh] = first_use.emplace(stages.back().name, i + 1);
    if (!fresh)
      sections[i].fail("name", fmt::format("stage name '{}' is already used by stage[{}]",
                                           it->first, it->second));
  }
  if (stages.empty())
    root.fail_here(
        "no [[stage]] given: a run needs at least one [[stage]] table (ensemble, time step, "
        "length)");
  return stages;
}

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

std::pair<std::string, std::string> read_species_pair(const Section& pair) {
  const toml::node* n = pair.node("species");
  if (!n) pair.fail_missing("species", " (two chemical symbols, e.g. species = [\"Li\", \"O\"])");
  const toml::array* a = n->as_array();
  if (!a || a->size() != 2 || !(*a)[0].is_string() || !(*a)[1].is_string())
    pair.fail(
        "species",
        fmt::format("expected two chemical symbols such as [\"Li\", \"O\"], got {}", got(*n)));
  std::pair<std::string, std::string> species{(*a)[0].as_string()->get(),
                                              (*a)[1].as_string()->get()};
  check_element(pair, "species", species.first);
  check_element(pair, "species", species.second);
  return species;
}

void read_pairs(const Section& s, PotentialSpec& potential) {
  if (!s.has("pairs")) s.fail_missing("pairs", " (coefficients for each pair of species)");
  const bool lj = potential.kind == "lj";
  std::map<std::pair<std::string, std::string>, std::uint32_t> seen;  // sorted species -> line
  const auto pairs = s.array_of_tables(
      "pairs", [](std::size_t i) { return fmt::format("potential.pairs[{}]", i); });
  for (const Section& pair : pairs) {
    if (lj)
      pair.allow({"species", "epsilon", "sigma", "cutoff"});
    else
      pair.allow({"species", "d0", "alpha", "r0", "cutoff"});
    PairCoefficients c;
    std::tie(c.species_a, c.species_b) = read_species_pair(pair);
    if (lj) {
      c.epsilon = pair.required_number("epsilon", Rule::NonNegative);
      c.sigma = pair.required_number("sigma", Rule::Positive);
    } else {
      c.d0 = pair.required_number("d0", Rule::NonNegative);
      c.alpha = pair.required_number("alpha", Rule::Positive);
      c.r0 = pair.required_number("r0", Rule::Positive);
    }
    // The neighbour list is built with the global cut-off, so a longer pair cut-off would be
    // silently truncated.
    c.cutoff = pair.number("cutoff", Rule::Positive).value_or(0.0);
    if (c.cutoff > potential.cutoff)
      pair.fail("cutoff",
                fmt::format("{} exceeds the global potential.cutoff = {}; raise that instead",
                            c.cutoff, potential.cutoff));
    const auto [it, fresh] = seen.emplace(std::minmax(c.species_a, c.species_b), pair.line());
    if (!fresh)
      pair.fail("species", fmt::format("duplicate pair {}-{}: already given on line {}",
                                       c.species_a, c.species_b, it->second));
    potential.pairs.push_back(std::move(c));
  }
  if (potential.pairs.empty()) s.fail("pairs", "must list at least one pair");
}

PotentialSpec read_potential(const Section& root) {
  const Section s = root.section("potential", "[potential]");
  s.allow({"kind", "cutoff", "shift", "newton", "pairs", "model", "precision"});
  PotentialSpec p;
  p.kind = s.choice("kind", {"lj", "morse", "nequip"}, std::nullopt);
  if (p.kind == "nequip") {
    s.reject({"cutoff", "shift", "newton", "pairs"},
             "applies only to kind = \"lj\" or \"morse\" (a NequIP model carries its own cut-off)");
    p.model = s.existing_file("model");
    p.precision = s.choice("precision", {"float32", "float64"}, "float32");
    return p;
  }
  s.reject({"model", "precision"}, "applies only to kind = \"nequip\"");
  p.cutoff = s.required_number("cutoff", Rule::Positive);
  p.shift = s.boolean("shift").value_or(p.shift);
  p.newton = s.boolean("newton").value_or(p.newton);
  read_pairs(s, p);
  return p;
}

// Output paths are relative to [output] directory; each file may have only one writer.
class OutputPaths {
public:
  explicit OutputPaths(fs::path directory) : directory_(std::move(directory)) {}
  fs::path claim(const Section& s, std::string_view key, std::string_view fallback) {
    const fs::path p =
        (directory_ / s.string(key).value_or(std::string(fallback))).lexically_normal();
    const auto [it, fresh] = owners_.emplace(p, s.key_path(key));
    if (!fresh) s.fail(key, fmt::format("'{}' is already written by {}", p.string(), it->second));
    return p;
  }

private:
  fs::path directory_;
  std::map<fs::path, std::string> owners_;  // path -> key path of its writer
};

TrajectorySpec read_trajectory(const Section& t, OutputPaths& paths) {
  t.allow({"path", "format", "every", "velocities", "forces", "energies", "coordinates",
           "precision"});
  TrajectorySpec spec;
  spec.format = t.choice("format", {"extxyz", "netcdf", "lammps-dump"}, "extxyz");
  const char* default_name = spec.format == "netcdf"        ? "traj.nc"
                             : spec.format == "lammps-dump" ? "traj.lammpstrj"
                                                            : "traj.extxyz";
  spec.path = paths.claim(t, "path", default_name);
  spec.every = t.integer("every", 1).value_or(spec.every);
  spec.velocities = t.boolean("velocities").value_or(spec.velocities);
  spec.forces = t.boolean("forces").value_or(spec.forces);
  spec.energies = t.boolean("energies").value_or(spec.energies);
  if (t.choice("coordinates", {"wrapped", "unwrapped"}, "wrapped") == "unwrapped")
    spec.coordinates = Coordinates::Unwrapped;
  // Text formats write the shortest decimals that read back as the same doubles.
  if (spec.format != "netcdf")
    t.reject({"precision"}, "applies only to format = \"netcdf\" (text formats keep every digit)");
  spec.float64 = t.choice("precision", {"float32", "float64"}, "float32") == "float64";
  return spec;
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

// An array of finite numbers.
std::optional<std::vector<double>> number_list(const Section& s, std::string_view key) {
  const toml::node* n = s.node(key);
  if (!n) return std::nullopt;
  const toml::array* a = n->as_array();
  if (!a) s.fail(key, fmt::format("expected an array of numbers, got {}", got(*n)));
  std::vector<double> out;
  for (const toml::node& e : *a) {
    const auto v = e.value<double>();
    if (!e.is_number() || !v || !std::isfinite(*v))
      s.fail(key, fmt::format("expected an array of finite numbers, found {}", got(e)));
    out.push_back(*v);
  }
  return out;
}

// A time window of an analysis (max lag, origin spacing, fit start), > 0 and, in an input file,
// at most INT_MAX sampling intervals of any stage (the analyses count lags in int).
std::optional<double> window_ps(const Section& s, std::string_view key, const AnalysisContext& ctx,
                                std::int64_t every) {
  const auto t = s.number(key, Rule::Positive);
  for (std::size_t k = 0; t && ctx.stages && k < ctx.stages->size(); ++k) {
    if (!((*ctx.stages)[k].timestep > 0)) continue;  // a minimisation: no clock
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
