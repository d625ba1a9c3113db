// An output text file written in whole pieces (a frame, a log row), each handed to the operating
// system at once: a killed process leaves whole pieces behind, at most the one being written cut.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string_view>

namespace mdgpu {

class TextFile {
public:
  enum class Mode { Truncate, Append };
  // Throws InputError naming the file when it cannot be opened.
  TextFile(const std::filesystem::path& path, Mode mode);
  ~TextFile();
  TextFile(const TextFile&) = delete;
  TextFile& operator=(const TextFile&) = delete;

  // Writes and flushes; throws RuntimeFailure when the write fails (disk full, ...).
  void write(std::string_view text);
  std::int64_t size() const;  // bytes in the file
  void sync() const;          // onto the disk (fsync)
  const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
};

}  // namespace mdgpu
