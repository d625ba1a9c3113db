// A bound on how deeply a TOML text can nest tables through dotted keys ("a.b.c... = 1",
// "[a.b.c...]"). toml++ bounds arrays and inline tables itself but not dotted keys, and its
// tables are destroyed recursively: a key of 10^5 segments overflows the stack (SIGSEGV).
#pragma once

#include <string>
#include <string_view>

namespace mdgpu {

// More key separators than any input needs, far fewer than the stack holds.
constexpr int kMaxTomlKeyDots = 1000;

// InputError "file:line: ..." when the text holds more than kMaxTomlKeyDots dots that can
// separate key segments: outside strings and comments, and not the decimal point of a number.
void check_toml_depth(std::string_view text, const std::string& file);

}  // namespace mdgpu
