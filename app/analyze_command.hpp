// `mdgpu analyze`: the analyses of [analysis.*] run on a saved trajectory, and the Arrhenius fit
// of their results.
//
//   mdgpu analyze KIND TRAJECTORY [key=value ...] [--frame-interval-ps DT] [--types A,B,...]
//   mdgpu analyze arrhenius DIR|FILE ... [key=value ...]
//   (both take --overwrite)
//
// KIND is an analysis kind (io/analysis_kinds.hpp); its key=value options are the keys of the
// matching [analysis.KIND] table (docs/input.md).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace mdgpu {

// `args` follow "analyze". Results go to `out`, warnings to `warn`. Throws InputError for bad
// arguments or input (the caller turns it into exit code 2).
void analyze_command(const std::vector<std::string>& args,
                     const std::function<void(const std::string&)>& out,
                     const std::function<void(const std::string&)>& warn);

}  // namespace mdgpu
