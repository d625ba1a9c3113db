// A wrong command line: main prints it with a hint and exits with 2.
#pragma once

#include <stdexcept>

namespace mdgpu::app {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace mdgpu::app
