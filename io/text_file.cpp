#include "io/text_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace mdgpu {

TextFile::TextFile(const std::filesystem::path& path, Mode mode) : path_(path) {
  file_ = std::fopen(path.c_str(), mode == Mode::Append ? "ab" : "wb");
  if (!file_)
    throw InputError(path.string(), fmt::format("cannot open for writing: {}", std::strerror(errno)));
  std::fseek(file_, 0, SEEK_END);  // so that size() counts what an appended file already holds
}

TextFile::~TextFile() {
  if (file_) std::fclose(file_);
}

void TextFile::write(std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() || std::fflush(file_) != 0)
    throw RuntimeFailure(fmt::format("{}: write failed: {}", path_.string(), std::strerror(errno)));
}

std::int64_t TextFile::size() const {
  const long at = std::ftell(file_);
  if (at < 0)
    throw RuntimeFailure(fmt::format("{}: cannot tell the size: {}", path_.string(), std::strerror(errno)));
  return at;
}

void TextFile::sync() const {
  if (::fsync(::fileno(file_)) != 0)
    throw RuntimeFailure(fmt::format("{}: cannot sync to disk: {}", path_.string(), std::strerror(errno)));
}

}  // namespace mdgpu
