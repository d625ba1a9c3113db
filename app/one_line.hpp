// An error message as the one line main prints: control characters (a newline in a stage name,
// a tab) written as escapes, and a message that echoes a huge user string (a 10 MB key) cut to
// its head and tail, where the file, key and rule are.
#pragma once

#include <string>

namespace mdgpu::app {

constexpr std::size_t kMaxMessageChars = 600;

std::string one_line(const std::string& message);

}  // namespace mdgpu::app
