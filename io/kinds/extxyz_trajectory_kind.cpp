// format = "extxyz": extended XYZ frames (io/trajectory.hpp), the default.
#include "io/kinds/text_trajectory_kind.hpp"
#include "io/trajectory.hpp"

namespace mdgpu {
namespace {

struct ExtxyzKind : TextTrajectoryKind<ExtxyzFormat> {
  static constexpr std::string_view name = "extxyz";
  static constexpr std::string_view default_path = "traj.extxyz";
  static std::unique_ptr<OutputFile> make(const TrajectorySpec& spec, std::string key, const System&,
                                          bool resume) {
    return std::make_unique<ExtxyzTrajectory>(spec, std::move(key), resume);
  }
};

}  // namespace

TrajectoryFormatKind extxyz_trajectory_kind() { return trajectory_format_kind<ExtxyzKind>(); }

}  // namespace mdgpu
