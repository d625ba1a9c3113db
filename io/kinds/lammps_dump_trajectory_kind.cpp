// format = "lammps-dump": LAMMPS text dumps (io/lammps_dump.hpp).
#include "io/kinds/text_trajectory_kind.hpp"
#include "io/lammps_dump.hpp"

namespace mdgpu {
namespace {

struct LammpsDumpKind : TextTrajectoryKind<LammpsDumpFormat> {
  static constexpr std::string_view name = "lammps-dump";
  static constexpr std::string_view default_path = "traj.lammpstrj";
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
