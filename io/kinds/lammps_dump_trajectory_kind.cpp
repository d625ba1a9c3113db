// format = "lammps-dump": LAMMPS text dumps (io/lammps_dump.hpp).
#include "io/lammps_dump.hpp"
#include "io/toml_section.hpp"
#include "io/trajectory_formats.hpp"

namespace mdgpu {
namespace {

struct LammpsDumpKind {
  using Spec = LammpsDumpFormat;
  static constexpr std::string_view name = "lammps-dump";
  static constexpr std::string_view default_path = "traj.lammpstrj";
  // Text formats write the shortest decimals that read back as the same doubles.
  static constexpr std::string_view foreign_key_note = " (text formats keep every digit)";
  static Words keys() { return {}; }
  static Spec read(const Section&) { return {}; }
  static std::string describe(const Spec&) { return ""; }
  static std::unique_ptr<OutputFile> make(const TrajectorySpec& spec, std::string key, const System&,
                                          bool resume) {
    return std::make_unique<LammpsDumpTrajectory>(spec, std::move(key), resume);
  }
};

}  // namespace

TrajectoryFormatKind lammps_dump_trajectory_kind() {
  return trajectory_format_kind<LammpsDumpKind>();
}

}  // namespace mdgpu
