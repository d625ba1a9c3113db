// Checkpoints: HDF5 files (io/hdf5_file.hpp) holding a RunState, a description of each stage of
// the protocol (so that a restart notices a changed input) and the state of every observer with a
// checkpoint key, under /observers/<key>: how far each output file was written, the analyses'
// accumulators. See docs/input.md, "Checkpoints and restarts".
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "engine/observer.hpp"
#include "io/run_plan.hpp"
#include "engine/run_state.hpp"

namespace mdgpu {

// Writes `state` to a temporary file beside `path` (named after the process), syncs it and renames it over `path`: a crash
// at any moment leaves either the previous checkpoint or the new one, whole.
void write_checkpoint(const std::filesystem::path& path, const RunState& state, const RunPlan& plan,
                      const std::vector<std::unique_ptr<Observer>>& observers);

// The state in checkpoint `path`, checked against the run `plan` and `system` describe: the same
// atoms, species and masses, the same starting cell (the current cell, which may have changed, is
// restored), and the same stages up to the checkpoint's one (later stages may be changed or
// added). InputError naming the file when it is not a checkpoint (of this version), is damaged,
// or does not fit.
RunState read_checkpoint(const std::filesystem::path& path, const RunPlan& plan, const System& system);

// Hands every observer with a checkpoint key its saved state. InputError when the checkpoint has
// none for one of them (an output or analysis the checkpointed run did not have).
void restore_observers(const std::filesystem::path& path,
                       const std::vector<std::unique_ptr<Observer>>& observers);

}  // namespace mdgpu
