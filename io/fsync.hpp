// Getting written data onto the disk, for files that must survive a crash of the machine and not
// only of mdgpu (checkpoints and the outputs they point into).
#pragma once

#include <filesystem>

namespace mdgpu {

// fsync(2) on the file (or folder) at `path`. Throws RuntimeFailure naming it when that fails.
void fsync_path(const std::filesystem::path& path);

// Renames `from` over `to` and makes the rename durable (fsync of the folder): readers see either
// the old file or the complete new one.
void rename_durably(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace mdgpu
