#include "analysis/output_files.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/hdf5_file.hpp"

namespace mdgpu {

std::string csv_number(double value) {
  return std::isfinite(value) ? fmt::format("{}", value) : std::string();
}

std::string csv_quote(const std::string& text) {
  std::string out = "\"";
  for (char ch : text) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

std::string join_notes(const std::string& a, const std::string& b) {
  return a.empty() ? b : b.empty() ? a : a + "; " + b;
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f)
    throw RuntimeFailure(fmt::format("{}: cannot write: {}", path.string(), std::strerror(errno)));
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok)
    throw RuntimeFailure(fmt::format("{}: write failed: {}", path.string(), std::strerror(errno)));
}

h5::File create_result_file(const std::filesystem::path& path, const std::string& kind,
                            const std::string& label) {
  h5::File f(path.string(), h5::Mode::Create);
  f.set_attr("/", "mdgpu_analysis", kind);
  f.set_attr("/", "mdgpu_version", std::string(MDGPU_VERSION));
  f.set_attr("/", "source", label);
  return f;
}

void write_dataset(h5::File& file, const std::string& name, const std::vector<double>& data,
                   const std::vector<std::uint64_t>& dims, const std::string& units) {
  file.write(name, data, dims);
  file.set_attr(name, "units", units);
}

}  // namespace mdgpu
