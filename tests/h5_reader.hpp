// Minimal read-only access to the NequIP reference HDF5 files for tests (HDF5 C API): where they
// are, whole datasets as float64 plus their shape, and dataset names under a group.
#pragma once

#include <hdf5.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace mdgpu::test {

// The small NequIP reference (l_max 1) is copied into the repository; the larger ones are read
// from the shared reference folder when present (tests skip otherwise).
inline std::string nequip_small_reference() { return MDGPU_TEST_DATA "/nequip/small_seed0.h5"; }
inline std::string nequip_shared_reference(const std::string& file) {
  return std::string(MDGPU_SOURCE_DIR) + "/../shared/reference/nequip/" + file;
}

struct H5Array {
  std::vector<double> data;   // row-major
  std::vector<hsize_t> dims;  // empty for a scalar
};

class H5File {
 public:
  explicit H5File(const std::string& path) : path_(path) {
    id_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (id_ < 0) throw std::runtime_error("cannot open HDF5 file " + path);
  }
  ~H5File() { H5Fclose(id_); }
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;

  // Any numeric dataset, converted to double by HDF5.
  H5Array read(const std::string& dataset) const {
    const hid_t d = H5Dopen2(id_, dataset.c_str(), H5P_DEFAULT);
    if (d < 0) throw std::runtime_error("no dataset " + dataset + " in " + path_);
    const hid_t space = H5Dget_space(d);
    H5Array a;
    a.dims.resize(H5Sget_simple_extent_ndims(space));
    H5Sget_simple_extent_dims(space, a.dims.data(), nullptr);
    a.data.resize(H5Sget_simple_extent_npoints(space));
    const herr_t status = H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.data.data());
    H5Sclose(space);
    H5Dclose(d);
    if (status < 0) throw std::runtime_error("cannot read " + dataset + " from " + path_);
    return a;
  }

  // Names (relative to `group`) of the datasets directly in `group` that contain `substring`.
  std::vector<std::string> datasets(const std::string& group, const std::string& substring) const {
    const hid_t g = H5Gopen2(id_, group.c_str(), H5P_DEFAULT);
    if (g < 0) throw std::runtime_error("no group " + group + " in " + path_);
    struct Visit {
      const std::string* substring;
      std::vector<std::string> names;
    } visit{&substring, {}};
    auto collect = [](hid_t loc, const char* name, const H5L_info_t*, void* data) -> herr_t {
      auto* v = static_cast<Visit*>(data);
      if (std::string(name).find(*v->substring) == std::string::npos) return 0;
      const hid_t obj = H5Oopen(loc, name, H5P_DEFAULT);
      if (obj < 0) return -1;
      if (H5Iget_type(obj) == H5I_DATASET) v->names.emplace_back(name);
      H5Oclose(obj);
      return 0;
    };
    const herr_t status = H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &visit);
    H5Gclose(g);
    if (status < 0) throw std::runtime_error("cannot list " + group + " in " + path_);
    return visit.names;
  }

 private:
  std::string path_;
  hid_t id_;
};

}  // namespace mdgpu::test
