#include "io/text_lines.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>

#include <zlib.h>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "io/input_files.hpp"

namespace mdgpu {

namespace text {

LineReader::LineReader(const std::filesystem::path& path) : path_(path) {
  check_regular_file(path, path.string(), "file");
  // zlib reads gzip-compressed files and, transparently, plain ones.
  in_ = gzopen(path.c_str(), "rb");
  if (!in_) throw InputError(path.string(), fmt::format("cannot open: {}", std::strerror(errno)));
  gzbuffer(in_, 1 << 17);
}

LineReader::~LineReader() { gzclose(in_); }

bool LineReader::next(std::string& line) {
  line.clear();
  char buffer[4096];
  for (;;) {
    if (!gzgets(in_, buffer, sizeof buffer)) {
      int status = Z_OK;
      const char* message = gzerror(in_, &status);
      if (status != Z_OK && status != Z_BUF_ERROR)
        throw InputError(where(line_number_ + 1), fmt::format("read error: {}", message));
      // A truncated gzip stream ends without an error from gzgets: say what gzerror says.
      if (status == Z_BUF_ERROR)
        throw InputError(where(line_number_ + 1), "the compressed file is truncated");
      if (line.empty()) return false;
      break;
    }
    line += buffer;
    if (line.size() > kMaxLineBytes)
      throw InputError(where(line_number_ + 1),
                       fmt::format("a line longer than {} bytes: not a text file of this kind",
                                   kMaxLineBytes));
    if (!line.empty() && line.back() == '\n') {
      line.pop_back();
      break;
    }
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  ++line_number_;
  return true;
}

std::string LineReader::where(std::size_t line) const {
  return fmt::format("{}:{}", path_.string(), line);
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) tokens.push_back(line.substr(start, i - start));
  }
  return tokens;
}

bool is_blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(),
                     [](unsigned char c) { return std::isspace(c) != 0; });
}

double to_double(std::string_view token, const std::string& where, std::string_view what) {
  std::string_view digits = token;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  double value = 0.0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  // Out-of-range values (1e999) are garbled input too, not silently infinite.
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
    throw InputError(where, fmt::format("{}: expected a number, found '{}'", what, token));
  return value;
}

double to_finite(std::string_view token, const std::string& where, std::string_view what) {
  const double value = to_double(token, where, what);
  if (!std::isfinite(value))
    throw InputError(where, fmt::format("{}: '{}' is not a finite number", what, token));
  return value;
}

bool is_integer(std::string_view token) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  return !token.empty() && ec == std::errc() && end == token.data() + token.size();
}

long long to_integer(std::string_view token, const std::string& where, std::string_view what) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (token.empty() || ec != std::errc() || end != token.data() + token.size())
    throw InputError(where, fmt::format("{}: expected an integer, found '{}'", what, token));
  return value;
}

}  // namespace text

}  // namespace mdgpu
