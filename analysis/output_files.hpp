// Writing analysis results: text files written whole, and the HDF5 attributes every result file
// carries (what it is, which mdgpu wrote it, over which stretch).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mdgpu {
namespace h5 {
class File;
}

// A CSV field: the shortest text that reads back as the same double, empty when not finite
// (results mark "no value" by an empty field, never by nan).
std::string csv_number(double value);
// A CSV text field in double quotes.
std::string csv_quote(const std::string& text);
// "a; b" of the non-empty parts.
std::string join_notes(const std::string& a, const std::string& b);

// Writes `text` to `path` (replacing it); RuntimeFailure when that fails.
void write_text_file(const std::filesystem::path& path, const std::string& text);

// Creates `path` and stamps it: mdgpu_analysis = kind, mdgpu_version, source = label.
h5::File create_result_file(const std::filesystem::path& path, const std::string& kind,
                            const std::string& label);

// A dataset with its unit as attribute "units".
void write_dataset(h5::File& file, const std::string& name, const std::vector<double>& data,
                   const std::vector<std::uint64_t>& dims, const std::string& units);

}  // namespace mdgpu
