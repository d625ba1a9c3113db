// format = "netcdf": AMBER NetCDF trajectories (io/netcdf_trajectory.hpp).
#include "io/netcdf_trajectory.hpp"
#include "io/toml_section.hpp"
#include "io/trajectory_formats.hpp"

namespace mdgpu {
namespace {

struct NetcdfKind {
  using Spec = NetcdfFormat;
  static constexpr std::string_view name = "netcdf";
  static constexpr std::string_view default_path = "traj.nc";
  static constexpr std::string_view foreign_key_note = "";
  static Words keys() { return {"precision"}; }
  static Spec read(const Section& t) {
    return {t.choice("precision", {"float32", "float64"}, "float32") == "float64"};
  }
  static std::string describe(const Spec& spec) { return spec.float64 ? ", float64" : ", float32"; }
  static std::unique_ptr<OutputFile> make(const TrajectorySpec& spec, std::string key,
                                          const System& system, bool resume) {
    return std::make_unique<NetcdfTrajectory>(spec, std::move(key), system, resume);
  }
};

}  // namespace

TrajectoryFormatKind netcdf_trajectory_kind() { return trajectory_format_kind<NetcdfKind>(); }

}  // namespace mdgpu
