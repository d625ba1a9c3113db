// The output files an input file names, each claimed by the key that names it: paths are
// relative to [output] directory, and each file may have only one writer.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "io/toml_section.hpp"

namespace mdgpu {

class OutputPaths {
public:
  explicit OutputPaths(std::filesystem::path directory) : directory_(std::move(directory)) {}
  std::filesystem::path claim(const Section& s, std::string_view key, std::string_view fallback) {
    const std::filesystem::path p =
        (directory_ / s.string(key).value_or(std::string(fallback))).lexically_normal();
    const auto [it, fresh] = owners_.emplace(p, s.key_path(key));
    if (!fresh) s.fail(key, fmt::format("'{}' is already written by {}", p.string(), it->second));
    return p;
  }

private:
  std::filesystem::path directory_;
  std::map<std::filesystem::path, std::string> owners_;  // path -> key path of its writer
};

}  // namespace mdgpu
