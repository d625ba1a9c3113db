#include "io/input_files.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace mdgpu {
namespace {

namespace fs = std::filesystem;

const char* kind_of(fs::file_type type) {
  switch (type) {
    case fs::file_type::directory: return "a directory";
    case fs::file_type::fifo: return "a FIFO (named pipe)";
    case fs::file_type::character: return "a character device";
    case fs::file_type::block: return "a block device";
    case fs::file_type::socket: return "a socket";
    default: return "not a regular file";
  }
}

}  // namespace

void check_regular_file(const fs::path& path, const std::string& where, std::string_view what) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found)
    throw InputError(where, fmt::format("{} not found: {}", what, path.string()));
  if (ec) throw InputError(where, fmt::format("cannot examine the {} {}: {}", what, path.string(), ec.message()));
  if (status.type() != fs::file_type::regular)
    throw InputError(where, fmt::format("is {}, not a regular file: {}", kind_of(status.type()),
                                        path.string()));
}

std::string read_small_input(const fs::path& path, std::string_view what) {
  check_regular_file(path, path.string(), what);
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxInputFileBytes)
    throw InputError(path.string(), fmt::format("the {} is {} bytes; more than {} bytes is not an "
                                                "input file (wrong path?)",
                                                what, size, kMaxInputFileBytes));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw InputError(path.string(), fmt::format("cannot read the {}", what));
  return text.str();
}

}  // namespace mdgpu
