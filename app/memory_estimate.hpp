// What a run's pair lists will need, estimated from the structure before any list is built, so
// that a cut-off or analysis radius far beyond the cell (1e6 Å, 1e300 Å) is refused at once, with
// the number, instead of exhausting memory or looping over images for hours.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/system.hpp"
#include "io/run_plan.hpp"

namespace mdgpu {

// Pairs (i, j) closer than `radius`, counted from both atoms as the full neighbour list does, at
// the structure's mean density: N · (N / V) · 4/3 π r³. Infinite for an infinite radius.
double expected_pairs(const System& system, double radius);

// InputError at "<input file>: <key>" when a pair list of the potential (cut-off + skin), of
// system.min_distance or of an analysis radius would need more memory than the machine has.
// `potential_cutoff` is the potential's own (a NequIP model carries it).
// Ends with check_analysis_memory for the plan's analyses.
void check_pair_list_memory(const RunPlan& plan, const System& system, double potential_cutoff);

// InputError at the analysis key when the pair list an analysis builds (AnalysisKind::pair_list:
// an RDF, motif or profile radius) would need more memory than the machine has (the run's
// analyses, or `mdgpu analyze` on a trajectory).
void check_analysis_memory(const std::vector<AnalysisSpec>& analyses, const System& system);

}  // namespace mdgpu
