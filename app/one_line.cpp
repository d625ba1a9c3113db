#include "app/one_line.hpp"

#include <fmt/format.h>

namespace mdgpu::app {
namespace {

// A word (a run without spaces) of more than kMaxWordChars: its head and tail, with the count of
// what was left out; cut on UTF-8 character boundaries.
std::string shortened_word(const std::string& word) {
  if (word.size() <= kMaxWordChars) return word;
  auto boundary = [&word](std::size_t k) {
    while (k > 0 && k < word.size() && (static_cast<unsigned char>(word[k]) & 0xC0) == 0x80) --k;
    return k;
  };
  const std::size_t head = boundary(kMaxWordChars / 2), tail = boundary(word.size() - kMaxWordChars / 2);
  return fmt::format("{}[... {} characters ...]{}", word.substr(0, head), tail - head, word.substr(tail));
}

}  // namespace

std::string one_line(const std::string& message) {
  std::string escaped;
  for (char c : message) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') escaped += "\\n";
    else if (c == '\t') escaped += "\\t";
    else if (u < 0x20 || u == 0x7f) escaped += fmt::format("\\x{:02x}", u);
    else escaped += c;
  }
  std::string out;
  for (std::size_t start = 0; start <= escaped.size();) {
    std::size_t end = escaped.find(' ', start);
    if (end == std::string::npos) end = escaped.size();
    out += shortened_word(escaped.substr(start, end - start));
    if (end < escaped.size()) out += ' ';
    start = end + 1;
  }
  return out;
}

}  // namespace mdgpu::app
