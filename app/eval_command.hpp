// `mdgpu eval`: evaluate a NequIP model on every frame of a structure file.
#pragma once

#include <string>
#include <vector>

namespace mdgpu::app {

int eval_command(const std::vector<std::string>& args);
extern const char* const kEvalUsage;

}  // namespace mdgpu::app
