// The TOML input file -> RunPlan. The schema and every key's meaning: docs/input.md.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "io/run_plan.hpp"

namespace mdgpu {

// Reads and validates an input file. Everything wrong with it (syntax, unknown or misspelt keys,
// wrong types, out-of-range values, a missing structure or model file) throws InputError whose
// `where` is "file:line: key.path". Structure and model paths resolve against the file's
// directory; output paths against [output] directory.
RunPlan load_run_plan(const std::filesystem::path& toml_file);

// The same from text in memory (tests): `name_for_messages` names the file in messages and its
// directory is the one relative structure and model paths resolve against.
RunPlan parse_run_plan(std::string_view toml_text, const std::filesystem::path& name_for_messages);

// "file:line: key.path" for a key of an input file that load_run_plan accepted, for checks made
// later from the plan (the memory estimate): "file: key.path" when the key is not written there
// (its default applies).
std::string key_location(const std::filesystem::path& toml_file, std::string_view key_path);

// The key=value options of `mdgpu analyze KIND` (a kind of io/analysis_kinds.hpp), read as the
// [analysis.KIND] table of an input file is — same keys, checks and messages — into a spec of
// that kind. Values that are not TOML are taken as strings (species=Li).
AnalysisSpec parse_analysis_options(std::string_view kind, const std::vector<std::string>& options);
ArrheniusSpec parse_arrhenius_options(const std::vector<std::string>& options);

}  // namespace mdgpu
