// Line-oriented text reading shared by the structure and trajectory readers (extxyz, POSCAR, LAMMPS
// dump): plain or gzip-compressed files, line numbers for messages, splitting, and strict number
// parsing.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

struct gzFile_s;

namespace mdgpu {

namespace text {

// Reads a text file line by line, remembering line numbers for error messages.
class LineReader {
public:
  // Longer lines are refused: no structure or trajectory format has them, and a binary file
  // without line ends would otherwise be read into memory whole.
  static constexpr std::size_t kMaxLineBytes = 1u << 20;
  // Throws InputError (where = path) when the file is missing, not a regular file or unreadable.
  explicit LineReader(const std::filesystem::path& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  // Next line without its end-of-line ('\r' of CRLF files stripped); false at end of file.
  bool next(std::string& line);
  std::size_t line_number() const { return line_number_; }  // of the line last read
  std::string where() const { return where(line_number_); }
  std::string where(std::size_t line) const;  // "path:line"
  const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path path_;
  gzFile_s* in_ = nullptr;  // zlib's gzFile
  std::size_t line_number_ = 0;
};

std::vector<std::string_view> split(std::string_view line);  // on blanks and tabs
bool is_blank(std::string_view line);
// The whole token as a number (a leading '+' is allowed), or InputError naming `what`.
double to_double(std::string_view token, const std::string& where, std::string_view what);
// As to_double, also rejecting NaN and infinities.
double to_finite(std::string_view token, const std::string& where, std::string_view what);
long long to_integer(std::string_view token, const std::string& where, std::string_view what);
bool is_integer(std::string_view token);

}  // namespace text

}  // namespace mdgpu
