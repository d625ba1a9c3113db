#include "io/structure.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "engine/errors.hpp"
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

System read_structure(const std::filesystem::path& path, const std::string& format) {
  std::string chosen = format;
  if (format == "auto") {
    chosen = structure_format_for(path);
    if (chosen.empty())
      throw InputError(path.string(),
                       "cannot tell the structure format from the file name; name it *.extxyz, "
                       "*.xyz, *.vasp or POSCAR/CONTCAR, or set format = \"extxyz\" or "
                       "\"poscar\" in [system]");
  }
  if (chosen == "extxyz") return read_extxyz_first(path);
  if (chosen == "poscar") return read_poscar(path);
  throw InputError(path.string(), fmt::format("unknown structure format '{}' (use auto, extxyz "
                                              "or poscar)", format));
}

namespace text {

LineReader::LineReader(const std::filesystem::path& path) : path_(path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw InputError(path.string(), "is a directory, not a structure file");
  in_.open(path, std::ios::binary);
  if (!in_) throw InputError(path.string(), fmt::format("cannot open: {}", std::strerror(errno)));
}

bool LineReader::next(std::string& line) {
  if (!std::getline(in_, line)) {
    if (in_.bad()) throw InputError(where(line_number_ + 1), "read error");
    return false;
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
