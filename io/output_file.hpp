// Output files that a checkpoint can rewind. The checkpoint records how far each file was written
// (bytes of text, frames of NetCDF); `mdgpu run --restart` cuts each back to that length and
// appends, so that the continued run leaves the same files as an uninterrupted one, whatever was
// written after the checkpoint.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "engine/observer.hpp"
#include "io/text_file.hpp"

namespace mdgpu {

class OutputFile : public Observer {
public:
  // `key`: the checkpoint group of this output ("output.trajectory[1]").
  OutputFile(std::string key, std::filesystem::path path)
      : key_(std::move(key)), path_(std::move(path)) {}

  std::string checkpoint_key() const override { return key_; }
  // Syncs the file to disk, then records its path and length.
  void save_state(h5::File& file, const std::string& group) const override;
  // Checks that the file is still there, the same output, and at least as long as recorded;
  // changes nothing yet (InputError otherwise), so a bad restart leaves every file untouched.
  void restore_state(const h5::File& file, const std::string& group) override;
  // After every observer was restored: cuts the file back to the recorded length and opens it
  // for appending.
  void resume();
  const std::filesystem::path& path() const { return path_; }

protected:
  virtual const char* unit() const = 0;                // of the length: "bytes" or "frames"
  virtual std::int64_t length() const = 0;             // written so far
  virtual std::int64_t length_on_disk() const = 0;     // of the existing file, before resume()
  virtual void sync() const = 0;
  virtual void reopen(std::int64_t length) = 0;        // cut back to `length`, open to append

private:
  std::string key_;
  std::filesystem::path path_;
  std::optional<std::int64_t> resume_length_;
};

// A text output: created (with `header`) at construction, unless `resume` says that a restart
// will reopen it.
class TextOutput : public OutputFile {
public:
  TextOutput(std::string key, std::filesystem::path path, bool resume, const std::string& header = "");

protected:
  TextFile& file() { return *file_; }
  const char* unit() const override { return "bytes"; }
  std::int64_t length() const override { return file_->size(); }
  std::int64_t length_on_disk() const override;
  void sync() const override { file_->sync(); }
  void reopen(std::int64_t length) override;

private:
  std::unique_ptr<TextFile> file_;
};

}  // namespace mdgpu
