#include "io/stage_kinds.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "io/input_limits.hpp"
#include "io/toml_section.hpp"

namespace mdgpu {

// Each defined in io/kinds/<kind>_stage_kind.cpp.
StageKind nve_stage_kind();
StageKind nose_hoover_stage_kind();
StageKind langevin_stage_kind();
StageKind npt_stage_kind();
StageKind minimize_stage_kind();

const std::vector<StageKind>& stage_kinds() {
  static const std::vector<StageKind> kinds{
      nve_stage_kind(),
      nose_hoover_stage_kind(),
      langevin_stage_kind(),
      npt_stage_kind(),
      minimize_stage_kind(),
  };
  return kinds;
}

const StageKind& kind_of(const StageSpec& stage) {
  for (const StageKind& kind : stage_kinds())
    if (kind.holds(stage)) return kind;
  throw std::logic_error("kind_of: a StageKindSpec alternative has no entry in stage_kinds()");
}

namespace {

// Keys every kind reads: the stage's name, kind, time step and length.
const Words kCommonKeys{"name", "ensemble", "timestep_fs", "timestep_ps", "duration_ps", "steps"};

bool reads(const StageKind& kind, std::string_view key) {
  if (key == "thermostat") return !kind.thermostat.empty();
  return std::find(kind.keys.begin(), kind.keys.end(), key) != kind.keys.end();
}

// Every key of a [[stage]] table: these first (in the order of docs/input.md), then each kind's
// other keys in registry order.
Words stage_keys() {
  Words keys;
  for (std::string_view key : {"name", "ensemble", "thermostat", "temperature", "timestep_fs",
                               "timestep_ps", "duration_ps", "steps"})
    if (std::find(kCommonKeys.begin(), kCommonKeys.end(), key) != kCommonKeys.end() ||
        std::any_of(stage_kinds().begin(), stage_kinds().end(),
                    [&](const StageKind& kind) { return reads(kind, key); }))
      keys.push_back(key);
  for (const StageKind& kind : stage_kinds())
    for (std::string_view key : kind.keys)
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  return keys;
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

StageSpec read_stage(const Section& s, std::size_t index) {
  s.allow(stage_keys());
  StageSpec stage;
  stage.name = s.string("name").value_or(fmt::format("stage{}", index));
  if (const std::string why = stage_name_problem(stage.name); !why.empty())
    s.fail("name", fmt::format("stage name '{}' {}", stage.name, why));
  Words ensembles;
  for (const StageKind& kind : stage_kinds())
    if (std::find(ensembles.begin(), ensembles.end(), kind.ensemble) == ensembles.end())
      ensembles.push_back(kind.ensemble);
  const std::string ensemble = s.choice("ensemble", ensembles, std::nullopt);
  Words thermostats;
  for (const StageKind& kind : stage_kinds())
    if (kind.ensemble == ensemble && !kind.thermostat.empty()) thermostats.push_back(kind.thermostat);
  const std::string thermostat =
      thermostats.empty() ? "" : s.choice("thermostat", thermostats, thermostats.front());
  const StageKind& kind = *std::find_if(
      stage_kinds().begin(), stage_kinds().end(),
      [&](const StageKind& k) { return k.ensemble == ensemble && k.thermostat == thermostat; });

  if (!kind.timed) {
    s.reject({"timestep_fs", "timestep_ps", "duration_ps"},
             fmt::format("does not apply to ensemble = \"{}\": it counts iterations, not time; "
                         "give their limit as steps", ensemble));
    if (!s.has("steps")) s.fail_missing("steps", " (the iteration limit)");
    stage.steps = *s.integer("steps", 1, kMaxSteps);
    kind.read(s, kind, stage);
    return stage;
  }
  const auto timestep = time_ps(s, "timestep");
  if (!timestep) s.fail_here("missing time step: give timestep_fs or timestep_ps");
  if (*timestep < kMinTimestepPs)
    s.fail(s.has("timestep_fs") ? "timestep_fs" : "timestep_ps",
           fmt::format("{:g} ps is below the smallest time step, {:g} fs", *timestep, kMinTimestepPs * 1e3));
  stage.timestep = *timestep;
  stage.steps = read_steps(s, stage.timestep);
  kind.read(s, kind, stage);
  return stage;
}

}  // namespace

void reject_keys_of_other_kinds(const Section& s, const StageKind& kind) {
  for (std::string_view key : stage_keys()) {
    if (!s.has(key) || reads(kind, key) ||
        std::find(kCommonKeys.begin(), kCommonKeys.end(), key) != kCommonKeys.end())
      continue;
    // Within the stage's own ensemble another thermostat is the likelier intent.
    Words ensembles, thermostats;
    for (const StageKind& other : stage_kinds()) {
      if (!reads(other, key)) continue;
      ensembles.push_back(other.ensemble);
      if (other.ensemble == kind.ensemble) thermostats.push_back(other.thermostat);
    }
    s.fail(key, !thermostats.empty()
                    ? fmt::format("'{}' applies only to thermostat = {}", key, either(thermostats))
                    : fmt::format("'{}' applies only to ensemble = {}", key, either(ensembles)));
  }
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

}  // namespace mdgpu
