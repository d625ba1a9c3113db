// Test helpers shared by the test files: the backends every conformance test runs on.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kernels/backend.hpp"

namespace mdgpu::testing {

// Parameter for tests that run on every backend.
inline std::vector<std::string> all_backends() { return {"cpu", "cuda"}; }

// The backend, or GTEST_SKIP with the reason when it cannot run here (e.g. no GPU).
#define MDGPU_BACKEND_OR_SKIP(var, name)                                          \
  std::unique_ptr<::mdgpu::Backend> var;                                          \
  do {                                                                            \
    std::string why_;                                                             \
    if ((name) == "cuda" && !::mdgpu::cuda_available(&why_))                      \
      GTEST_SKIP() << "CUDA backend not run: " << why_;                           \
    var = ::mdgpu::make_backend(name, 0);                                         \
  } while (0)

}  // namespace mdgpu::testing
