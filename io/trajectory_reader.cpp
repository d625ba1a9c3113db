#include "io/trajectory_reader.hpp"

#include <zlib.h>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "io/input_files.hpp"
#include "io/extxyz.hpp"
#include "io/lammps_dump_reader.hpp"
#include "io/netcdf_reader.hpp"

namespace mdgpu {
namespace {

class ExtxyzFrames final : public TrajectoryReader {
public:
  explicit ExtxyzFrames(const std::filesystem::path& path) : path_(path), reader_(path) {}
  bool next(Frame& frame) override { return reader_.next(frame); }
  std::int64_t count_frames() override {
    ExtxyzReader counter(path_);
    std::int64_t frames = 0;
    while (counter.skip()) ++frames;
    return frames;
  }
  const char* format() const override { return "extxyz"; }

private:
  std::filesystem::path path_;
  ExtxyzReader reader_;
};

// The printable start of `bytes`, for a message.
std::string excerpt(const std::string& bytes) {
  std::string out;
  for (char c : bytes.substr(0, 24)) out += (c >= 32 && c < 127) ? c : '.';
  return out;
}

}  // namespace

std::string leading_bytes(const std::filesystem::path& path, std::size_t bytes, bool* gzipped) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError(path.string(), "no such file");
  if (std::filesystem::is_directory(path, ec))
    throw InputError(path.string(), "is a directory, not a trajectory");
  check_regular_file(path, path.string(), "trajectory");  // a FIFO would block the read
  gzFile in = gzopen(path.c_str(), "rb");
  if (!in) throw InputError(path.string(), "cannot open");
  std::string out(bytes, '\0');
  const int got = gzread(in, out.data(), static_cast<unsigned>(bytes));
  if (gzipped) *gzipped = gzdirect(in) == 0;
  gzclose(in);
  out.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  return out;
}

std::unique_ptr<TrajectoryReader> open_trajectory(const std::filesystem::path& path,
                                                  const TrajectoryOptions& options) {
  bool gzipped = false;
  const std::string head = leading_bytes(path, 4096, &gzipped);
  if (head.rfind("CDF", 0) == 0 || head.rfind("\x89HDF", 0) == 0)
    return std::make_unique<NetcdfReader>(path, gzipped);
  const std::size_t text = head.find_first_not_of(" \t\r\n");
  if (text != std::string::npos && head.compare(text, 5, "ITEM:") == 0)
    return std::make_unique<LammpsDumpReader>(path, options);
  if (text != std::string::npos && head[text] >= '0' && head[text] <= '9')
    return std::make_unique<ExtxyzFrames>(path);
  throw InputError(path.string(),
                   fmt::format("not a trajectory mdgpu reads (it reads {}); the file starts with "
                               "'{}'",
                               kReadableTrajectories,
                               excerpt(head.substr(text == std::string::npos ? 0 : text))));
}

}  // namespace mdgpu
