#include "io/input_limits.hpp"

#include <cctype>

#include <fmt/format.h>

namespace mdgpu {

std::string stage_name_problem(std::string_view name) {
  if (name.size() > kMaxNameChars)
    return fmt::format("is {} characters long; at most {}", name.size(), kMaxNameChars);
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == ' ' || c == '-' || c == '_' || c == '.' || c == '+') continue;
    return fmt::format("holds the character {}; stage names go into thermo.csv and file names: "
                       "use letters, digits, spaces, '-', '_', '.' and '+'",
                       std::isprint(u) ? fmt::format("'{}'", c) : fmt::format("0x{:02x}", u));
  }
  if (name.front() == ' ' || name.back() == ' ') return "begins or ends with a space";
  return "";
}

std::int64_t add_steps(std::int64_t total, std::int64_t steps) {
  return steps > kMaxSteps - total ? -1 : total + steps;
}

}  // namespace mdgpu
