// Checks on the files a run will write, made before any of them is created: an output must not
// be an input or another output (also when reached through symbolic links or `..`), must not be
// a directory or special file, must not replace an existing file unless allowed, and its folder
// must exist or be creatable and writable. Only then are the folders created.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mdgpu {

struct NamedPath {
  std::filesystem::path path;
  std::string role;  // how messages name it: "output.thermo", "the structure file"
};

struct OutputRules {
  bool may_replace = false;  // output.overwrite / --overwrite, or a restart that appends
  // An input that one output may legitimately replace: the checkpoint a restart reads, which
  // the continued run's checkpoint supersedes.
  std::filesystem::path replaceable_input;
};

// InputError (at `where`, the input file) naming the output, its role and the rule it breaks.
void check_output_paths(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs,
                        const OutputRules& rules, const std::string& where);

// The folders of `outputs`, after check_output_paths passed; RuntimeFailure naming the folder.
void create_output_folders(const std::vector<NamedPath>& outputs);

}  // namespace mdgpu
