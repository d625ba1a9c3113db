// [output.candidates]: the frames a committee flags for DFT labelling (io/candidates.hpp).
#pragma once

#include <cstdint>
#include <filesystem>

namespace mdgpu {

struct CandidatesSpec {
  std::filesystem::path path;  // extxyz
  double lower = 0.0;          // eV/Å: a frame whose largest force deviation is in [lower, upper)
  double upper = 0.0;          //       is a candidate
  std::int64_t min_spacing = 0;  // steps between two candidates, at least
  bool stop_above = false;     // stop the run at a deviation >= upper
};

}  // namespace mdgpu
