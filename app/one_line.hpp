// An error message as the one line main prints: control characters (a newline in a file name, a
// tab) written as escapes, and every long word — a 10 MB key or name echoed back, a path — cut to
// its head and tail, so that the file, key and rule around it stay readable.
#pragma once

#include <cstddef>
#include <string>

namespace mdgpu::app {

constexpr std::size_t kMaxWordChars = 160;

std::string one_line(const std::string& message);

}  // namespace mdgpu::app
