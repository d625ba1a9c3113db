// What a run's pair lists will need, estimated from the structure before any list is built, so
// that a cut-off or analysis radius far beyond the cell (1e6 Å, 1e300 Å) is refused at once, with
// the number, instead of exhausting memory or looping over images for hours.
#pragma once

#include <cstdint>
#include <string>

#include "core/system.hpp"
#include "io/run_plan.hpp"

namespace mdgpu {

// Pairs (i, j) closer than `radius`, counted from both atoms as the full neighbour list does, at
// the structure's mean density: N · (N / V) · 4/3 π r³. Infinite for an infinite radius.
double expected_pairs(const System& system, double radius);

// Physical memory of this machine, in bytes.
std::uint64_t machine_memory_bytes();

// InputError at "<input file>: <key>" when a pair list of the potential (cut-off + skin), of
// system.min_distance or of an analysis radius would need more memory than the machine has.
// `potential_cutoff` is the potential's own (a NequIP model carries it).
void check_pair_list_memory(const RunPlan& plan, const System& system, double potential_cutoff);

}  // namespace mdgpu
