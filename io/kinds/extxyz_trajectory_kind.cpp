// format = "extxyz": extended XYZ frames (io/trajectory.hpp), the default.
#include "io/toml_section.hpp"
#include "io/trajectory.hpp"
#include "io/trajectory_formats.hpp"

namespace mdgpu {
namespace {

struct ExtxyzKind {
  using Spec = ExtxyzFormat;
  static constexpr std::string_view name = "extxyz";
  static constexpr std::string_view default_path = "traj.extxyz";
  // Text formats write the shortest decimals that read back as the same doubles.
  static constexpr std::string_view foreign_key_note = " (text formats keep every digit)";
  static Words keys() { return {}; }
  static Spec read(const Section&) { return {}; }
  static std::string describe(const Spec&) { return ""; }
  static std::unique_ptr<OutputFile> make(const TrajectorySpec& spec, std::string key, const System&,
                                          bool resume) {
    return std::make_unique<ExtxyzTrajectory>(spec, std::move(key), resume);
  }
};

}  // namespace

TrajectoryFormatKind extxyz_trajectory_kind() { return trajectory_format_kind<ExtxyzKind>(); }

}  // namespace mdgpu
