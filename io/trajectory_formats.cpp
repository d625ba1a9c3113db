#include "io/trajectory_formats.hpp"

#include <algorithm>
#include <stdexcept>

#include "io/output_claims.hpp"
#include "io/toml_section.hpp"

namespace mdgpu {

// Each defined in io/kinds/<format>_trajectory_kind.cpp.
TrajectoryFormatKind extxyz_trajectory_kind();
TrajectoryFormatKind netcdf_trajectory_kind();
TrajectoryFormatKind lammps_dump_trajectory_kind();

const std::vector<TrajectoryFormatKind>& trajectory_formats() {
  static const std::vector<TrajectoryFormatKind> formats{
      extxyz_trajectory_kind(),
      netcdf_trajectory_kind(),
      lammps_dump_trajectory_kind(),
  };
  return formats;
}

const TrajectoryFormatKind& kind_of(const TrajectorySpec& spec) {
  for (const TrajectoryFormatKind& format : trajectory_formats())
    if (format.holds(spec.format)) return format;
  throw std::logic_error("kind_of: a TrajectoryFormat alternative has no entry in trajectory_formats()");
}

TrajectorySpec read_trajectory(const Section& t, OutputPaths& paths, bool committee) {
  Words keys{"path", "format", "every", "velocities", "forces", "energies", "force_dev", "coordinates"}, names;
  const std::size_t common = keys.size();
  for (const TrajectoryFormatKind& format : trajectory_formats()) {
    names.push_back(format.name);
    for (std::string_view key : format.keys)
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  t.allow(keys);
  const std::string name = t.choice("format", names, names.front());
  const TrajectoryFormatKind& format =
      *std::find_if(trajectory_formats().begin(), trajectory_formats().end(),
                    [&](const TrajectoryFormatKind& f) { return f.name == name; });
  TrajectorySpec spec;
  spec.path = paths.claim(t, "path", format.default_path);
  spec.every = t.integer("every", 1).value_or(spec.every);
  spec.velocities = t.boolean("velocities").value_or(spec.velocities);
  spec.forces = t.boolean("forces").value_or(spec.forces);
  spec.energies = t.boolean("energies").value_or(spec.energies);
  spec.force_dev = t.boolean("force_dev").value_or(spec.force_dev);
  if (spec.force_dev && !committee)
    t.fail("force_dev", "force_dev = true needs a committee of models (potential.committee), whose per-atom force "
                        "deviation it writes");
  if (t.choice("coordinates", {"wrapped", "unwrapped"}, "wrapped") == "unwrapped")
    spec.coordinates = Coordinates::Unwrapped;
  for (auto key = keys.begin() + common; key != keys.end(); ++key) {
    if (!t.has(*key) || std::find(format.keys.begin(), format.keys.end(), *key) != format.keys.end())
      continue;
    Words readers;
    for (const TrajectoryFormatKind& other : trajectory_formats())
      if (std::find(other.keys.begin(), other.keys.end(), *key) != other.keys.end())
        readers.push_back(other.name);
    t.fail(*key, fmt::format("'{}' applies only to format = {}{}", *key, either(readers),
                             format.foreign_key_note));
  }
  spec.format = format.read(t);
  return spec;
}

std::unique_ptr<OutputFile> make_trajectory(const TrajectorySpec& spec, std::size_t index,
                                            const System& system, bool resume) {
  return kind_of(spec).make(spec, fmt::format("output.trajectory[{}]", index), system, resume);
}

}  // namespace mdgpu
