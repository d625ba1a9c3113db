// What the text trajectory formats (extxyz, lammps-dump) share: no keys of their own; a format
// adds its `name`, `default_path` and `make` (see trajectory_format_kind<K>).
#pragma once

#include <string>
#include <string_view>

#include "io/toml_section.hpp"
#include "io/trajectory_formats.hpp"

namespace mdgpu {

template <class S>
struct TextTrajectoryKind {
  using Spec = S;
  // Text formats write the shortest decimals that read back as the same doubles.
  static constexpr std::string_view foreign_key_note = " (text formats keep every digit)";
  static Words keys() { return {}; }
  static Spec read(const Section&) { return {}; }
  static std::string describe(const Spec&) { return ""; }
};

}  // namespace mdgpu
