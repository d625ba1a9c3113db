#include "io/file_digest.hpp"

#include <cstdint>
#include <fstream>
#include <vector>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace mdgpu {

std::string file_digest(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), "cannot be read");
  std::uint64_t hash = 0xcbf29ce484222325ULL, size = 0;
  std::vector<char> block(1 << 16);
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const std::streamsize got = in.gcount();
    for (std::streamsize k = 0; k < got; ++k) {
      hash ^= static_cast<unsigned char>(block[k]);
      hash *= 0x100000001b3ULL;
    }
    size += static_cast<std::uint64_t>(got);
  }
  if (in.bad()) throw InputError(path.string(), "could not be read to its end");
  return fmt::format("{:016x} ({} bytes)", hash, size);
}

}  // namespace mdgpu
