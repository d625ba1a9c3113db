// A small RAII layer over the HDF5 C API: what mdgpu's model files, checkpoints and analysis
// results need. Objects are addressed by absolute paths ("/weights/layer0.w"); writing creates the
// missing parent groups. Reading a file that is not what we expect is the user's input error
// (InputError naming file and object); failing to write is a RuntimeFailure.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mdgpu::h5 {

template <class T>
struct Array {
  std::vector<T> data;              // row-major
  std::vector<std::uint64_t> dims;  // empty for a scalar
};

enum class Mode { Read, ReadWrite, Create };

class File {
public:
  // Create truncates an existing file; Read/ReadWrite require the file to be a valid HDF5 file.
  File(const std::string& path, Mode mode);
  ~File();
  File(File&& other) noexcept;
  File& operator=(File&&) = delete;
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  const std::string& path() const { return path_; }
  bool exists(const std::string& object) const;  // dataset or group
  // Names of the members (datasets and groups) directly under `group`, in name order.
  std::vector<std::string> list(const std::string& group) const;

  // Datasets. Any stored numeric type is converted to the requested one by HDF5.
  Array<double> read_doubles(const std::string& dataset) const;
  Array<std::int64_t> read_ints(const std::string& dataset) const;
  std::vector<std::string> read_strings(const std::string& dataset) const;
  void write(const std::string& dataset, const std::vector<double>& data,
             const std::vector<std::uint64_t>& dims);
  void write(const std::string& dataset, const std::vector<std::int64_t>& data,
             const std::vector<std::uint64_t>& dims);
  void write(const std::string& dataset, const std::vector<std::string>& strings);
  void create_group(const std::string& group);  // with its parents; no-op when present

  // Attributes of an object ("/" for the root).
  bool has_attr(const std::string& object, const std::string& name) const;
  std::vector<std::string> attr_names(const std::string& object) const;
  double attr_double(const std::string& object, const std::string& name) const;
  std::int64_t attr_int(const std::string& object, const std::string& name) const;
  std::string attr_string(const std::string& object, const std::string& name) const;
  std::vector<std::string> attr_strings(const std::string& object, const std::string& name) const;
  void set_attr(const std::string& object, const std::string& name, double value);
  void set_attr(const std::string& object, const std::string& name, std::int64_t value);
  void set_attr(const std::string& object, const std::string& name, const std::string& value);
  void set_attr(const std::string& object, const std::string& name,
                const std::vector<std::string>& values);

  // Writes buffered data to disk (used by checkpoints before the atomic rename).
  void flush();

private:
  std::string where(const std::string& object) const;  // "file.h5:/object"
  hid_t open_object(const std::string& object) const;
  template <class T>
  Array<T> read_numeric(const std::string& dataset, hid_t mem_type) const;
  void write_numeric(const std::string& dataset, const void* data, hid_t mem_type,
                     const std::vector<std::uint64_t>& dims, std::size_t count);
  void write_attr(const std::string& object, const std::string& name, hid_t type, hid_t space,
                  const void* data);

  std::string path_;
  hid_t id_ = -1;
};

}  // namespace mdgpu::h5
