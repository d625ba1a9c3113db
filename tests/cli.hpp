// Running the mdgpu binary as a user does: in a directory, with arguments, capturing the exit
// code, stdout and stderr.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/temp_dir.hpp"

namespace mdgpu::testing {

struct CliResult {
  int code;
  std::string out, err;
};

inline CliResult run_mdgpu(const std::filesystem::path& dir, const std::string& args) {
  const std::string cmd =
      "cd '" + dir.string() + "' && '" + MDGPU_BINARY + "' " + args + " > out.txt 2> err.txt";
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir / "out.txt"),
          slurp(dir / "err.txt")};
}

}  // namespace mdgpu::testing
