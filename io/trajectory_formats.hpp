// The trajectory formats an [[output.trajectory]] table may ask for, each one entry of a
// registry: its name, default file, keys, reader, `--dry-run` text and writer factory. A format's
// entry lives in one file of io/kinds/ and is listed in io/trajectory_formats.cpp; its spec
// struct is an alternative of TrajectoryFormat (io/run_plan.hpp).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/system.hpp"
#include "io/output_file.hpp"
#include "io/run_plan.hpp"

namespace mdgpu {

class Section;      // io/toml_section.hpp
class OutputPaths;  // io/output_claims.hpp

struct TrajectoryFormatKind {
  std::string_view name;               // format = "<name>"
  std::string_view default_path;       // the file written when `path` is not given
  std::vector<std::string_view> keys;  // its keys besides those every trajectory has
  std::string_view foreign_key_note;   // appended when another format's key is given with it
  bool (*holds)(const TrajectoryFormat&);
  TrajectoryFormat (*read)(const Section&);
  std::string (*describe)(const TrajectoryFormat&);  // the dry run's text after the name
  // `key` names the block in messages and its checkpoint state; `system` is the run's starting
  // system (atom count, species); `resume`: a restart reopens the file instead of creating it.
  std::unique_ptr<OutputFile> (*make)(const TrajectorySpec&, std::string key, const System& system,
                                      bool resume);
};

// Every format, in the order messages list them; the first is the default.
const std::vector<TrajectoryFormatKind>& trajectory_formats();
const TrajectoryFormatKind& kind_of(const TrajectorySpec& spec);

// One [[output.trajectory]] table; its file is claimed in `paths`. `committee`: the potential is
// a committee, whose force deviation force_dev = true writes.
TrajectorySpec read_trajectory(const Section& t, OutputPaths& paths, bool committee);

// The writer of trajectory block `index` (from 1).
std::unique_ptr<OutputFile> make_trajectory(const TrajectorySpec& spec, std::size_t index,
                                            const System& system, bool resume);

// The entry of a format written as a struct K of statics: `using Spec` (its TrajectoryFormat
// alternative), `name`, `default_path`, `foreign_key_note`, `keys()`, and typed `read`,
// `describe` and `make`; see io/kinds/netcdf_trajectory_kind.cpp.
template <class K>
TrajectoryFormatKind trajectory_format_kind() {
  using Spec = typename K::Spec;
  return {K::name,
          K::default_path,
          K::keys(),
          K::foreign_key_note,
          [](const TrajectoryFormat& f) { return std::holds_alternative<Spec>(f); },
          [](const Section& s) -> TrajectoryFormat { return K::read(s); },
          [](const TrajectoryFormat& f) { return K::describe(std::get<Spec>(f)); },
          [](const TrajectorySpec& spec, std::string key, const System& system, bool resume) {
            return K::make(spec, std::move(key), system, resume);
          }};
}

}  // namespace mdgpu
