// A file's contents in a few characters, so that a checkpoint can tell whether a restart reads the
// same model file as the run that wrote it (wherever the file has moved since). FNV-1a, 64 bits:
// it tells an edited or different file from the same one, and is no defence against a forged one.
#pragma once

#include <filesystem>
#include <string>

namespace mdgpu {

// "<16 hex digits> (<size> bytes)"; InputError naming the file when it cannot be read.
std::string file_digest(const std::filesystem::path& path);

}  // namespace mdgpu
