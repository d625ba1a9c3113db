#include "io/output_file.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/hdf5_file.hpp"

namespace mdgpu {

void OutputFile::save_state(h5::File& file, const std::string& group) const {
  sync();
  file.create_group(group);
  file.set_attr(group, "path", path_.string());
  file.set_attr(group, "length", length());
  file.set_attr(group, "unit", std::string(unit()));
}

void OutputFile::restore_state(const h5::File& file, const std::string& group) {
  const std::string recorded = file.attr_string(group, "path");
  if (std::filesystem::path(recorded).filename() != path_.filename())
    throw InputError(file.path(), fmt::format("{} was written to {} in the checkpointed run, but "
                                              "the input now names {}",
                                              key_, recorded, path_.string()));
  if (!std::filesystem::exists(path_))
    throw InputError(path_.string(), fmt::format("{} is missing: the checkpointed run wrote it and "
                                                 "the restart appends to it",
                                                 key_));
  const std::int64_t length = file.attr_int(group, "length");
  const std::int64_t on_disk = length_on_disk();
  if (on_disk < length)
    throw InputError(path_.string(), fmt::format("holds {} {} but {} had already been written at "
                                                 "the checkpoint: the file was changed since",
                                                 on_disk, unit(), length));
  resume_length_ = length;
}

void OutputFile::resume() {
  if (!resume_length_) throw std::logic_error("OutputFile::resume without restore_state: " + key_);
  reopen(*resume_length_);
}

TextOutput::TextOutput(std::string key, std::filesystem::path path, bool resume,
                       const std::string& header)
    : OutputFile(std::move(key), std::move(path)) {
  if (resume) return;
  file_ = std::make_unique<TextFile>(this->path(), TextFile::Mode::Truncate);
  if (!header.empty()) file_->write(header);
}

std::int64_t TextOutput::length_on_disk() const {
  return static_cast<std::int64_t>(std::filesystem::file_size(path()));
}

void TextOutput::reopen(std::int64_t length) {
  std::filesystem::resize_file(path(), static_cast<std::uintmax_t>(length));
  file_ = std::make_unique<TextFile>(path(), TextFile::Mode::Append);
}

}  // namespace mdgpu
