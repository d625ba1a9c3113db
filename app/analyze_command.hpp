// `mdgpu analyze`: the analyses of [analysis.*] run on a saved trajectory, and the Arrhenius fit
// of their results.
//
//   mdgpu analyze msd|rdf|motifs|profile TRAJECTORY [key=value ...] [--frame-interval-ps DT]
//   mdgpu analyze arrhenius DIR|FILE ... [key=value ...]
//   (both take --overwrite)
//
// key=value options are the keys of the matching [analysis.*] table (docs/input.md).
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
