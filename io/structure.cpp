#include "io/structure.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

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

System read_structure(const std::filesystem::path& path, const std::string& format,
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

}  // namespace mdgpu
