#include "io/toml_depth.hpp"

#include <cctype>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace mdgpu {
namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Where a quoted string that opens at `at` ends (the index after it), for the four TOML kinds.
std::size_t skip_string(std::string_view text, std::size_t at) {
  const char quote = text[at];
  const bool multi_line = text.substr(at, 3) == std::string(3, quote);
  const std::string_view close = multi_line ? text.substr(at, 3) : text.substr(at, 1);
  std::size_t k = at + close.size();
  while (k < text.size()) {
    if (quote == '"' && text[k] == '\\') {
      k += 2;
      continue;
    }
    if (!multi_line && text[k] == '\n') return k;  // unterminated: the parser says so
    if (text.substr(k, close.size()) == close) return k + close.size();
    ++k;
  }
  return k;
}

}  // namespace

void check_toml_depth(std::string_view text, const std::string& file) {
  int dots = 0;
  std::size_t line = 1;
  bool token_has_dot = false;  // "1.2.3": only the first dot of a token can be a decimal point
  for (std::size_t k = 0; k < text.size();) {
    const char c = text[k];
    if (c == '"' || c == '\'') {
      for (std::size_t end = skip_string(text, k); k < end; ++k) line += text[k] == '\n';
      continue;
    }
    if (c == '#') {
      while (k < text.size() && text[k] != '\n') ++k;
      continue;
    }
    if (c == '\n') ++line;
    if (c == '.') {
      const bool decimal_point = !token_has_dot && k > 0 && k + 1 < text.size() &&
                                 is_digit(text[k - 1]) && is_digit(text[k + 1]);
      token_has_dot = true;
      if (!decimal_point && ++dots > kMaxTomlKeyDots)
        throw InputError(fmt::format("{}:{}", file, line),
                         fmt::format("more than {} dotted-key separators: tables nested this "
                                     "deeply are not an mdgpu input",
                                     kMaxTomlKeyDots));
    } else if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == '=' || c == '[' ||
               c == ']' || c == '{' || c == '}') {
      token_has_dot = false;
    }
    ++k;
  }
}

}  // namespace mdgpu
