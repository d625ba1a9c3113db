#include "io/fsync.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace mdgpu {

void fsync_path(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    throw RuntimeFailure(fmt::format("{}: cannot sync to disk: {}", path.string(), std::strerror(err)));
  }
  ::close(fd);
}

void rename_durably(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (ec)
    throw RuntimeFailure(fmt::format("cannot rename {} to {}: {}", from.string(), to.string(),
                                     ec.message()));
  const std::filesystem::path dir = to.has_parent_path() ? to.parent_path() : ".";
  fsync_path(dir);
}

}  // namespace mdgpu
