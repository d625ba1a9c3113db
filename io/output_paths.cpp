#include "io/output_paths.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace mdgpu {
namespace {

namespace fs = std::filesystem;

// The file a path reaches: symbolic links and `..` resolved as far as the path exists.
fs::path resolved(const fs::path& p) {
  std::error_code ec;
  fs::path r = fs::weakly_canonical(fs::absolute(p, ec), ec);
  return ec ? fs::absolute(p).lexically_normal() : r;
}

std::string same_file_as(const NamedPath& a, const NamedPath& b) {
  return fmt::format("output {} ({}) is the same file as {} ({})", a.path.string(), a.role,
                     b.path.string(), b.role);
}

// The folder the output goes into, or the nearest ancestor of it that exists, must be a
// writable folder.
void check_folder(const NamedPath& out, const std::string& where) {
  fs::path folder = fs::absolute(out.path).parent_path();
  std::error_code ec;
  while (!fs::exists(fs::symlink_status(folder, ec)) && folder.has_parent_path() &&
         folder != folder.parent_path())
    folder = folder.parent_path();
  if (!fs::is_directory(folder, ec))
    throw InputError(where, fmt::format("cannot create output {} ({}): {} is not a folder",
                                        out.path.string(), out.role, folder.string()));
  if (::access(folder.c_str(), W_OK | X_OK) != 0)
    throw InputError(where, fmt::format("cannot create output {} ({}): the folder {} is not "
                                        "writable",
                                        out.path.string(), out.role, folder.string()));
}

}  // namespace

void check_output_paths(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs,
                        const OutputRules& rules, const std::string& where) {
  std::vector<fs::path> reached;
  const fs::path replaceable =
      rules.replaceable_input.empty() ? fs::path() : resolved(rules.replaceable_input);
  for (const NamedPath& out : outputs) {
    const fs::path r = resolved(out.path);
    for (std::size_t k = 0; k < reached.size(); ++k)
      if (reached[k] == r) throw InputError(where, same_file_as(out, outputs[k]));
    reached.push_back(r);
    for (const NamedPath& in : inputs)
      if (resolved(in.path) == r && !(r == replaceable && out.role == "output.checkpoint"))
        throw InputError(where, fmt::format("output {} ({}) is the {} {}: the run would destroy "
                                            "its own input",
                                            out.path.string(), out.role, in.role,
                                            in.path.string()));
    std::error_code ec;
    const fs::file_status status = fs::status(out.path, ec);
    if (fs::exists(status) && !fs::is_regular_file(status))
      throw InputError(where, fmt::format("output {} ({}) exists and is not a regular file "
                                          "(a directory?)",
                                          out.path.string(), out.role));
    if (fs::exists(status) && !rules.may_replace)
      throw InputError(where, fmt::format("output file {} already exists; remove it, choose "
                                          "another path or set output.overwrite = true",
                                          out.path.string()));
    check_folder(out, where);
  }
}

void create_output_folders(const std::vector<NamedPath>& outputs) {
  for (const NamedPath& out : outputs) {
    if (!out.path.has_parent_path()) continue;
    std::error_code ec;
    fs::create_directories(out.path.parent_path(), ec);
    if (ec)
      throw RuntimeFailure(fmt::format("cannot create the folder {} for {}: {}",
                                       out.path.parent_path().string(), out.path.string(),
                                       ec.message()));
  }
}

}  // namespace mdgpu
