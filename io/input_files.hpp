// Checks on the files a run reads, made before a byte is read: only regular files (a FIFO, a
// device such as /dev/zero, or a directory would hang the reader or feed it without end), and
// inputs that are read whole no larger than a cap, so that a wrong path fails fast and clearly.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace mdgpu {

// Input files read whole into memory (the TOML input) are refused above this size.
constexpr std::uintmax_t kMaxInputFileBytes = 4u << 20;

// InputError (at `where`) unless `path` is an existing regular file (symbolic links followed);
// `what` names the file's role in the message ("structure file", "checkpoint").
void check_regular_file(const std::filesystem::path& path, const std::string& where,
                        std::string_view what);

// The whole file as text after check_regular_file and the kMaxInputFileBytes cap.
std::string read_small_input(const std::filesystem::path& path, std::string_view what);

}  // namespace mdgpu
