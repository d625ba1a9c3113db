#include "app/one_line.hpp"

#include <fmt/format.h>

namespace mdgpu::app {

std::string one_line(const std::string& message) {
  std::string out;
  for (char c : message) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (u < 0x20 || u == 0x7f) out += fmt::format("\\x{:02x}", u);
    else out += c;
  }
  if (out.size() <= kMaxMessageChars) return out;
  const std::size_t keep = kMaxMessageChars / 2;
  return fmt::format("{} [... {} characters ...] {}", out.substr(0, keep), out.size() - 2 * keep,
                     out.substr(out.size() - keep));
}

}  // namespace mdgpu::app
