#include "core/hdf5_file.hpp"

#include <algorithm>
#include <utility>

#include "core/errors.hpp"

namespace mdgpu::h5 {
namespace {

// Closes any HDF5 identifier when the scope ends.
class Handle {
public:
  explicit Handle(hid_t id) : id_(id) {}
  ~Handle() {
    if (id_ >= 0) H5Oclose_any(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

private:
  static void H5Oclose_any(hid_t id) {
    switch (H5Iget_type(id)) {
      case H5I_FILE: H5Fclose(id); break;
      case H5I_GROUP: H5Gclose(id); break;
      case H5I_DATASET: H5Dclose(id); break;
      case H5I_ATTR: H5Aclose(id); break;
      case H5I_DATATYPE: H5Tclose(id); break;
      case H5I_DATASPACE: H5Sclose(id); break;
      case H5I_GENPROP_LST: H5Pclose(id); break;
      default: break;
    }
  }
  hid_t id_;
};

std::string parent_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

std::vector<std::uint64_t> extent(hid_t space) {
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(0, H5Sget_simple_extent_ndims(space))));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return {dims.begin(), dims.end()};
}

hid_t make_space(const std::vector<std::uint64_t>& dims) {
  if (dims.empty()) return H5Screate(H5S_SCALAR);
  const std::vector<hsize_t> d(dims.begin(), dims.end());
  return H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr);
}

// Variable-length UTF-8 C strings, the type h5py writes for `str`.
hid_t vlen_string_type() {
  const hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

// Reads string data (fixed or variable length) from an attribute or dataset.
template <class ReadFn>
std::vector<std::string> read_string_data(hid_t stored_type, hid_t space, ReadFn read) {
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  std::vector<std::string> out;
  if (H5Tis_variable_str(stored_type) > 0) {
    Handle mem(vlen_string_type());
    std::vector<char*> ptrs(n, nullptr);
    if (read(mem.get(), ptrs.data()) < 0) return {};
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(mem.get(), space, H5P_DEFAULT, ptrs.data());
  } else {
    const std::size_t size = H5Tget_size(stored_type);
    Handle mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem.get(), size);
    std::vector<char> buf(n * size);
    if (read(mem.get(), buf.data()) < 0) return {};
    for (std::size_t i = 0; i < n; ++i) {
      const char* s = buf.data() + i * size;
      out.emplace_back(s, std::find(s, s + size, '\0'));
    }
  }
  return out;
}

}  // namespace

File::File(const std::string& path, Mode mode) : path_(path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported by our exceptions
  if (mode == Mode::Create) {
    id_ = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (id_ < 0) throw RuntimeFailure("cannot create HDF5 file " + path);
    return;
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path, "not a readable HDF5 file");
  id_ = H5Fopen(path.c_str(), mode == Mode::Read ? H5F_ACC_RDONLY : H5F_ACC_RDWR, H5P_DEFAULT);
  if (id_ < 0) throw InputError(path, "cannot open HDF5 file (truncated or corrupted?)");
}

File::~File() {
  if (id_ >= 0) H5Fclose(id_);
}

File::File(File&& other) noexcept : path_(std::move(other.path_)), id_(std::exchange(other.id_, -1)) {}

std::string File::where(const std::string& object) const { return path_ + ":" + object; }

bool File::exists(const std::string& object) const {
  if (object == "/") return true;
  // Every prefix must exist for H5Lexists to be safe.
  for (std::size_t pos = object.find('/', 1);; pos = object.find('/', pos + 1)) {
    const std::string prefix = object.substr(0, pos);
    if (H5Lexists(id_, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

hid_t File::open_object(const std::string& object) const {
  if (!exists(object)) throw InputError(where(object), "missing");
  const hid_t id = H5Oopen(id_, object.c_str(), H5P_DEFAULT);
  if (id < 0) throw InputError(where(object), "cannot open (corrupted file?)");
  return id;
}

std::vector<std::string> File::list(const std::string& group) const {
  Handle g(open_object(group));
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  if (H5Literate(g.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names) < 0)
    throw InputError(where(group), "cannot list members");
  return names;
}

template <class T>
Array<T> File::read_numeric(const std::string& dataset, hid_t mem_type) const {
  Handle d(open_object(dataset));
  if (H5Iget_type(d.get()) != H5I_DATASET) throw InputError(where(dataset), "not a dataset");
  Handle space(H5Dget_space(d.get()));
  Handle stored(H5Dget_type(d.get()));
  const H5T_class_t cls = H5Tget_class(stored.get());
  if (cls != H5T_FLOAT && cls != H5T_INTEGER) throw InputError(where(dataset), "not numeric");
  Array<T> a;
  a.dims = extent(space.get());
  a.data.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  if (!a.data.empty() &&
      H5Dread(d.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.data.data()) < 0)
    throw InputError(where(dataset), "cannot read (truncated or corrupted file?)");
  return a;
}

Array<double> File::read_doubles(const std::string& dataset) const {
  return read_numeric<double>(dataset, H5T_NATIVE_DOUBLE);
}

Array<std::int64_t> File::read_ints(const std::string& dataset) const {
  return read_numeric<std::int64_t>(dataset, H5T_NATIVE_INT64);
}

std::vector<std::string> File::read_strings(const std::string& dataset) const {
  Handle d(open_object(dataset));
  Handle space(H5Dget_space(d.get()));
  Handle stored(H5Dget_type(d.get()));
  if (H5Tget_class(stored.get()) != H5T_STRING) throw InputError(where(dataset), "not strings");
  auto out = read_string_data(stored.get(), space.get(), [&](hid_t mem, void* buf) {
    return H5Dread(d.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
  });
  if (out.size() != static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())))
    throw InputError(where(dataset), "cannot read strings");
  return out;
}

void File::create_group(const std::string& group) {
  if (group == "/" || exists(group)) return;
  create_group(parent_of(group));
  Handle g(H5Gcreate2(id_, group.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!g.ok()) throw RuntimeFailure("cannot create group " + where(group));
}

void File::write_numeric(const std::string& dataset, const void* data, hid_t mem_type,
                         const std::vector<std::uint64_t>& dims, std::size_t count) {
  std::size_t expected = 1;
  for (auto n : dims) expected *= n;
  if (expected != count) throw RuntimeFailure("shape does not match data for " + where(dataset));
  create_group(parent_of(dataset));
  Handle space(make_space(dims));
  Handle d(H5Dcreate2(id_, dataset.c_str(), mem_type, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                      H5P_DEFAULT));
  if (!d.ok() || (count > 0 && H5Dwrite(d.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0))
    throw RuntimeFailure("cannot write " + where(dataset));
}

void File::write(const std::string& dataset, const std::vector<double>& data,
                 const std::vector<std::uint64_t>& dims) {
  write_numeric(dataset, data.data(), H5T_NATIVE_DOUBLE, dims, data.size());
}

void File::write(const std::string& dataset, const std::vector<std::int64_t>& data,
                 const std::vector<std::uint64_t>& dims) {
  write_numeric(dataset, data.data(), H5T_NATIVE_INT64, dims, data.size());
}

void File::write(const std::string& dataset, const std::vector<std::string>& strings) {
  create_group(parent_of(dataset));
  Handle type(vlen_string_type());
  Handle space(make_space({strings.size()}));
  std::vector<const char*> ptrs;
  for (const auto& s : strings) ptrs.push_back(s.c_str());
  Handle d(H5Dcreate2(id_, dataset.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT,
                      H5P_DEFAULT));
  if (!d.ok() || H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
    throw RuntimeFailure("cannot write " + where(dataset));
}

bool File::has_attr(const std::string& object, const std::string& name) const {
  return exists(object) && H5Aexists_by_name(id_, object.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

std::vector<std::string> File::attr_names(const std::string& object) const {
  Handle o(open_object(object));
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  H5Aiterate2(o.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names);
  return names;
}

namespace {

// Opens attribute `name` of `object` or throws InputError naming both.
hid_t open_attr(hid_t file, const std::string& where, const std::string& object,
                const std::string& name) {
  if (H5Aexists_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT) <= 0)
    throw InputError(where, "missing attribute '" + name + "'");
  const hid_t a = H5Aopen_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) throw InputError(where, "cannot open attribute '" + name + "'");
  return a;
}

template <class T>
T read_scalar_attr(hid_t file, const std::string& where, const std::string& object,
                   const std::string& name, hid_t mem_type) {
  Handle a(open_attr(file, where, object, name));
  Handle stored(H5Aget_type(a.get()));
  Handle space(H5Aget_space(a.get()));
  const H5T_class_t cls = H5Tget_class(stored.get());
  if ((cls != H5T_FLOAT && cls != H5T_INTEGER) || H5Sget_simple_extent_npoints(space.get()) != 1)
    throw InputError(where, "attribute '" + name + "' is not a single number");
  T value{};
  if (H5Aread(a.get(), mem_type, &value) < 0)
    throw InputError(where, "cannot read attribute '" + name + "'");
  return value;
}

}  // namespace

double File::attr_double(const std::string& object, const std::string& name) const {
  return read_scalar_attr<double>(id_, where(object), object, name, H5T_NATIVE_DOUBLE);
}

std::int64_t File::attr_int(const std::string& object, const std::string& name) const {
  return read_scalar_attr<std::int64_t>(id_, where(object), object, name, H5T_NATIVE_INT64);
}

std::vector<std::string> File::attr_strings(const std::string& object,
                                            const std::string& name) const {
  Handle a(open_attr(id_, where(object), object, name));
  Handle stored(H5Aget_type(a.get()));
  Handle space(H5Aget_space(a.get()));
  if (H5Tget_class(stored.get()) != H5T_STRING)
    throw InputError(where(object), "attribute '" + name + "' is not text");
  return read_string_data(stored.get(), space.get(),
                          [&](hid_t mem, void* buf) { return H5Aread(a.get(), mem, buf); });
}

std::string File::attr_string(const std::string& object, const std::string& name) const {
  const auto values = attr_strings(object, name);
  if (values.size() != 1)
    throw InputError(where(object), "attribute '" + name + "' is not a single string");
  return values.front();
}

void File::write_attr(const std::string& object, const std::string& name, hid_t type,
                      hid_t space, const void* data) {
  if (H5Aexists_by_name(id_, object.c_str(), name.c_str(), H5P_DEFAULT) > 0)
    H5Adelete_by_name(id_, object.c_str(), name.c_str(), H5P_DEFAULT);
  Handle a(H5Acreate_by_name(id_, object.c_str(), name.c_str(), type, space, H5P_DEFAULT,
                             H5P_DEFAULT, H5P_DEFAULT));
  if (!a.ok() || H5Awrite(a.get(), type, data) < 0)
    throw RuntimeFailure("cannot write attribute '" + name + "' of " + where(object));
}

void File::set_attr(const std::string& object, const std::string& name, double value) {
  Handle space(H5Screate(H5S_SCALAR));
  write_attr(object, name, H5T_NATIVE_DOUBLE, space.get(), &value);
}

void File::set_attr(const std::string& object, const std::string& name, std::int64_t value) {
  Handle space(H5Screate(H5S_SCALAR));
  write_attr(object, name, H5T_NATIVE_INT64, space.get(), &value);
}

void File::set_attr(const std::string& object, const std::string& name, const std::string& value) {
  Handle type(vlen_string_type());
  Handle space(H5Screate(H5S_SCALAR));
  const char* ptr = value.c_str();
  write_attr(object, name, type.get(), space.get(), &ptr);
}

void File::set_attr(const std::string& object, const std::string& name,
                    const std::vector<std::string>& values) {
  Handle type(vlen_string_type());
  Handle space(make_space({values.size()}));
  std::vector<const char*> ptrs;
  for (const auto& s : values) ptrs.push_back(s.c_str());
  write_attr(object, name, type.get(), space.get(), ptrs.data());
}

void File::flush() {
  if (H5Fflush(id_, H5F_SCOPE_GLOBAL) < 0) throw RuntimeFailure("cannot flush " + path_);
}

}  // namespace mdgpu::h5
