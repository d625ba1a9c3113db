#include "io/checkpoint.hpp"

#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "io/checkpoint_checks.hpp"
#include "io/fsync.hpp"
#include "io/potential_kinds.hpp"
#include "io/stage_kinds.hpp"
#include "core/hdf5_file.hpp"

namespace mdgpu {
namespace {

constexpr const char* kFormat = "mdgpu checkpoint";
// 2: the cell may change during a run (/cell/rows is the current one, /cell/start_rows the
// structure's, /neighbor/cell_rows the neighbor list's). Version 1 files, from before the cell
// could change, have only /cell/rows, which is all three. 3: /state/potential, the potential's
// record (io/potential_kinds.hpp), which a restart must match; older files have none.
constexpr std::int64_t kVersion = 3;

// A stage as the checkpoint remembers it: every setting that changes its trajectory, with
// round-trip numbers so that equal text means equal settings.
std::string stage_text(const StageSpec& s) {
  const StageKind& kind = kind_of(s);
  return fmt::format("'{}': {}, {} steps of {} ps", s.name, kind.ensemble, s.steps, s.timestep) +
         kind.record(s);
}

std::vector<double> rows(const Mat3& m) {
  std::vector<double> out;
  for (const Vec3& row : m) out.insert(out.end(), row.begin(), row.end());
  return out;
}

Mat3 read_cell(const h5::File& f, const std::string& name) {
  const auto a = f.read_doubles(name);
  if (a.data.size() != 9) throw InputError(f.path() + ":" + name, "expected 3 x 3 values (damaged checkpoint?)");
  Mat3 m;
  for (int k = 0; k < 9; ++k) m[k / 3][k % 3] = a.data[k];
  return m;
}

std::vector<double> interleave(const Vec3Array& v) {
  std::vector<double> out(3 * v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    out[3 * i] = v.x[i], out[3 * i + 1] = v.y[i], out[3 * i + 2] = v.z[i];
  return out;
}

// Reads an (n, 3) dataset; InputError when its shape is not that.
template <class T, class Read>
std::vector<T> read_rows(const h5::File& f, const std::string& name, std::size_t n, Read read) {
  auto a = read(name);
  if (a.dims != std::vector<std::uint64_t>{n, 3})
    throw InputError(f.path() + ":" + name, fmt::format("expected {} x 3 values (damaged checkpoint?)", n));
  return std::move(a.data);
}

Vec3Array read_vectors(const h5::File& f, const std::string& name, std::size_t n) {
  const auto flat =
      read_rows<double>(f, name, n, [&f](const std::string& d) { return f.read_doubles(d); });
  Vec3Array v;
  v.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    v.x[i] = flat[3 * i], v.y[i] = flat[3 * i + 1], v.z[i] = flat[3 * i + 2];
  return v;
}

void write_contents(h5::File& f, const RunState& state, const RunPlan& plan,
                    const std::vector<std::unique_ptr<Observer>>& observers) {
  f.set_attr("/", "format", std::string(kFormat));
  f.set_attr("/", "version", kVersion);
  f.set_attr("/", "mdgpu_version", std::string(MDGPU_VERSION));
  f.set_attr("/", "input", plan.input_file.string());

  const System& s = state.system;
  const std::uint64_t n = s.size();
  f.write("/atoms/positions", interleave(s.positions), {n, 3});
  f.write("/atoms/velocities", interleave(s.velocities), {n, 3});
  std::vector<std::int64_t> images(3 * n), types(s.type.begin(), s.type.end());
  for (std::size_t i = 0; i < n; ++i)
    for (int k = 0; k < 3; ++k) images[3 * i + k] = s.image[k][i];
  f.write("/atoms/images", images, {n, 3});
  f.write("/atoms/types", types, {n});
  f.write("/atoms/species", s.species);
  f.write("/atoms/species_masses", s.species_mass, {s.species_mass.size()});
  f.write("/cell/rows", rows(s.box.cell()), {3, 3});
  f.write("/cell/start_rows", rows(state.start_cell), {3, 3});
  const auto& pbc = s.box.periodic();
  f.write("/cell/periodic", std::vector<std::int64_t>{pbc[0], pbc[1], pbc[2]}, {3});

  f.create_group("/state");
  f.set_attr("/state", "step", state.step);
  f.set_attr("/state", "time_ps", state.time);
  f.set_attr("/state", "stage", static_cast<std::int64_t>(state.stage));
  f.set_attr("/state", "stage_step", state.stage_step);
  f.set_attr("/state", "stage_start_time_ps", state.stage_start_time);
  f.set_attr("/state", "thermostat_carried_eV", state.thermostat_carried);
  f.set_attr("/state", "thermostat_energy_eV", state.thermostat_energy);
  f.write("/state/integrator", state.integrator, {state.integrator.size()});
  std::vector<std::string> stages;
  for (const StageSpec& stage : plan.stages) stages.push_back(stage_text(stage));
  f.write("/state/stages", stages);
  f.set_attr("/state", "potential", potential_record(plan.potential));

  f.write("/neighbor/reference_positions", interleave(state.neighbor_reference), {n, 3});
  f.write("/neighbor/cell_rows", rows(state.neighbor_cell), {3, 3});
  f.set_attr("/neighbor", "cutoff", state.neighbor_cutoff);
  f.set_attr("/neighbor", "skin", state.neighbor_skin);
  f.set_attr("/neighbor", "builds", state.neighbor_builds);

  f.create_group("/observers");
  for (const auto& o : observers) {
    const std::string key = o->checkpoint_key();
    if (key.empty()) continue;
    const std::string group = "/observers/" + key;
    f.create_group(group);
    o->save_state(f, group);
  }
}

}  // namespace

void write_checkpoint(const std::filesystem::path& path, const RunState& state, const RunPlan& plan,
                      const std::vector<std::unique_ptr<Observer>>& observers) {
  // Named after the process, so that no output of this run or of another one can be it.
  const std::filesystem::path temporary = fmt::format("{}.tmp{}", path.string(), ::getpid());
  try {
    {
      h5::File f(temporary.string(), h5::Mode::Create);
      write_contents(f, state, plan, observers);
      f.flush();
    }
    fsync_path(temporary);
    rename_durably(temporary, path);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(temporary, ec);  // the previous checkpoint stays, without debris
    throw;
  }
}

RunState read_checkpoint(const std::filesystem::path& path, const RunPlan& plan, const System& system) {
  const h5::File f(path.string(), h5::Mode::Read);
  const std::string file = path.string();
  if (!f.has_attr("/", "format") || f.attr_string("/", "format") != kFormat)
    throw InputError(file, "not an mdgpu checkpoint (an HDF5 file without format = \"mdgpu checkpoint\")");
  const std::int64_t version = f.attr_int("/", "version");
  if (version < 1 || version > kVersion)
    throw InputError(file, fmt::format("checkpoint version {} is not supported (this mdgpu reads "
                                       "versions 1 to {}; a newer mdgpu wrote it?)",
                                       version, kVersion));
  const bool fixed_cell = version == 1;
  auto misfit = [&file](const std::string& what) {
    throw InputError(file, "does not fit this input: " + what);
  };

  const std::size_t n = system.size();
  const auto types = f.read_ints("/atoms/types");
  const auto species = f.read_strings("/atoms/species");
  const auto masses = f.read_doubles("/atoms/species_masses");
  if (types.data.size() != n)
    misfit(fmt::format("it holds {} atoms, the structure {}", types.data.size(), n));
  if (species.size() != masses.data.size())
    throw InputError(file, "species and species_masses differ in length (damaged checkpoint?)");
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t t = types.data[i];
    if (t < 0 || static_cast<std::size_t>(t) >= species.size())
      throw InputError(file, fmt::format("atom {} has no species (damaged checkpoint?)", i + 1));
    if (species[t] != system.species[system.type[i]])
      misfit(fmt::format("atom {} is {} there and {} in the structure", i + 1, species[t],
                         system.species[system.type[i]]));
    if (masses.data[t] != system.mass(i))
      misfit(fmt::format("{} has mass {} amu there and {} amu here (system.masses)", species[t],
                         masses.data[t], system.mass(i)));
  }
  const Mat3 cell = read_cell(f, "/cell/rows");
  const Mat3 start_cell = fixed_cell ? cell : read_cell(f, "/cell/start_rows");
  const auto periodic = f.read_ints("/cell/periodic");
  if (periodic.data.size() != 3) throw InputError(file, "the cell is damaged");
  if (start_cell != system.box.cell()) misfit("the cell differs from the structure's");
  for (int k = 0; k < 3; ++k)
    if ((periodic.data[k] != 0) != system.box.periodic()[k]) misfit("the periodicity differs from the structure's");

  RunState s;
  s.system = system;
  s.system.box = Box(cell, system.box.periodic(), file + ":/cell/rows");
  s.start_cell = start_cell;
  s.system.positions = read_vectors(f, "/atoms/positions", n);
  s.system.velocities = read_vectors(f, "/atoms/velocities", n);
  s.system.has_velocities = true;
  const auto images = read_rows<std::int64_t>(f, "/atoms/images", n,
                                              [&f](const std::string& d) { return f.read_ints(d); });
  check_image_counters(images, file);
  for (std::size_t i = 0; i < n; ++i)
    for (int k = 0; k < 3; ++k) s.system.image[k][i] = static_cast<std::int32_t>(images[3 * i + k]);

  s.step = f.attr_int("/state", "step");
  s.time = f.attr_double("/state", "time_ps");
  const std::int64_t stage = f.attr_int("/state", "stage");
  s.stage_step = f.attr_int("/state", "stage_step");
  s.stage_start_time = f.attr_double("/state", "stage_start_time_ps");
  s.thermostat_carried = f.attr_double("/state", "thermostat_carried_eV");
  s.thermostat_energy = f.attr_double("/state", "thermostat_energy_eV");
  s.integrator = f.read_doubles("/state/integrator").data;
  const auto stages = f.read_strings("/state/stages");
  if (stage < 0 || static_cast<std::size_t>(stage) >= stages.size())
    throw InputError(file, "the stage index is damaged");
  s.stage = static_cast<std::size_t>(stage);
  if (s.stage >= plan.stages.size())
    misfit(fmt::format("it is in stage {} ({}), the input has {} stage(s)", s.stage + 1,
                       stages[s.stage], plan.stages.size()));
  for (std::size_t k = 0; k <= s.stage; ++k)
    if (stage_text(plan.stages[k]) != stages[k])
      misfit(fmt::format("stage[{}] was {} and is now {}", k + 1, stages[k], stage_text(plan.stages[k])));
  if (version >= 3) {
    const std::string was = f.attr_string("/state", "potential"), now = potential_record(plan.potential);
    if (was != now) misfit(fmt::format("the potential was {} and is now {}", was, now));
  }

  s.neighbor_reference = read_vectors(f, "/neighbor/reference_positions", n);
  s.neighbor_cell = fixed_cell ? cell : read_cell(f, "/neighbor/cell_rows");
  s.neighbor_cutoff = f.attr_double("/neighbor", "cutoff");
  s.neighbor_skin = f.attr_double("/neighbor", "skin");
  s.neighbor_builds = f.attr_int("/neighbor", "builds");
  check_checkpoint_state(s, plan, file);
  return s;
}

void restore_observers(const std::filesystem::path& path,
                       const std::vector<std::unique_ptr<Observer>>& observers) {
  const h5::File f(path.string(), h5::Mode::Read);
  for (const auto& o : observers) {
    const std::string key = o->checkpoint_key();
    if (key.empty()) continue;
    const std::string group = "/observers/" + key;
    if (!f.exists(group))
      throw InputError(path.string(), fmt::format("has no saved state for {}: the checkpointed run "
                                                  "did not have it; restart with the same outputs "
                                                  "and analyses",
                                                  key));
    o->restore_state(f, group);
  }
  // And the other way round: an output or analysis the checkpointed run had and the input has
  // dropped would be left cut off mid-run.
  for (const std::string& key : f.list("/observers"))
    if (std::none_of(observers.begin(), observers.end(),
                     [&key](const auto& o) { return o->checkpoint_key() == key; }))
      throw InputError(path.string(), fmt::format("holds the state of {}, which the input no longer "
                                                  "has; restart with the same outputs and analyses",
                                                  key));
}

}  // namespace mdgpu
