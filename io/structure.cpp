#include "io/structure.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "core/box_data.hpp"
#include "core/errors.hpp"
#include "io/extxyz.hpp"
#include "io/poscar.hpp"

namespace mdgpu {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Wrapping an atom into the cell counts the cells it crosses in 32-bit image counters; an atom
// 1e300 Å away along a periodic axis would overflow them (and lose every digit of its position).
constexpr double kMaxCellsAway = 1e6;

void check_within_image_range(const System& system, const std::string& where) {
  const BoxData& box = system.box.data();
  for (std::size_t i = 0; i < system.size(); ++i) {
    const double r[3] = {system.positions.x[i], system.positions.y[i], system.positions.z[i]};
    double s[3];
    box_to_frac(box, r, s);
    for (int k = 0; k < 3; ++k)
      if (system.box.periodic()[k] && !(std::abs(s[k]) < kMaxCellsAway))
        throw InputError(where, fmt::format("atom {} lies {:.3g} cell lengths along periodic axis "
                                            "{} from the cell: more than {:g} is not a position",
                                            i + 1, s[k], "abc"[k], kMaxCellsAway));
  }
}

}  // namespace

std::string structure_format_for(const std::filesystem::path& path) {
  const std::string ext = lower(path.extension().string());
  if (ext == ".xyz" || ext == ".extxyz") return "extxyz";
  if (ext == ".vasp" || ext == ".poscar") return "poscar";
  const std::string name = lower(path.filename().string());
  if (name.find("poscar") != std::string::npos || name.find("contcar") != std::string::npos)
    return "poscar";
  return "";
}

namespace {

System read_structure_file(const std::filesystem::path& path, const std::string& format,
                           std::int64_t frame) {
  std::string chosen = format;
  if (format == "auto") {
    chosen = structure_format_for(path);
    if (chosen.empty())
      throw InputError(path.string(),
                       "cannot tell the structure format from the file name; name it *.extxyz, "
                       "*.xyz, *.vasp or POSCAR/CONTCAR, or set format = \"extxyz\" or "
                       "\"poscar\" in [system]");
  }
  if (chosen == "extxyz") return frame == 0 ? read_extxyz_first(path) : read_extxyz_frame(path, frame);
  if (chosen == "poscar") {
    if (frame != 0 && frame != -1)
      throw InputError(path.string(), fmt::format("a POSCAR holds one structure; frame {} does not "
                                                  "exist (use 0 or -1)", frame));
    return read_poscar(path);
  }
  throw InputError(path.string(), fmt::format("unknown structure format '{}' (use auto, extxyz "
                                              "or poscar)", format));
}

}  // namespace

System read_structure(const std::filesystem::path& path, const std::string& format,
                      std::int64_t frame) {
  System system = read_structure_file(path, format, frame);
  if (system.size() == 0) throw InputError(path.string(), "the structure holds no atoms");
  check_within_image_range(system, path.string());
  return system;
}

}  // namespace mdgpu
