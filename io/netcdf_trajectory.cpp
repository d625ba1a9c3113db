#include "io/netcdf_trajectory.hpp"

#include <netcdf.h>

#include <climits>
#include <cstring>

#include <fmt/format.h>

#include "core/elements.hpp"
#include "core/errors.hpp"
#include "core/units.hpp"
#include "io/fsync.hpp"

namespace mdgpu {
namespace {

void check_nc(int status, const std::filesystem::path& path, const char* what) {
  if (status != NC_NOERR)
    throw RuntimeFailure(fmt::format("{}: {}: {}", path.string(), what, nc_strerror(status)));
}

// Closes a NetCDF file id when the scope ends (error paths included).
class NcFile {
public:
  NcFile() = default;
  ~NcFile() {
    if (id >= 0) nc_close(id);
  }
  NcFile(const NcFile&) = delete;
  NcFile& operator=(const NcFile&) = delete;
  int id = -1;
};

void put_text_att(int ncid, int varid, const char* name, const std::string& value,
                  const std::filesystem::path& path) {
  check_nc(nc_put_att_text(ncid, varid, name, value.size(), value.c_str()), path,
           "cannot write an attribute");
}

}  // namespace

NetcdfTrajectory::NetcdfTrajectory(const TrajectorySpec& spec, std::string key,
                                   const System& system, bool resume)
    : OutputFile(std::move(key), spec.path), spec_(spec), atoms_(system.size()) {
  if (!resume) create(system);
}

NetcdfTrajectory::~NetcdfTrajectory() {
  if (ncid_ >= 0) nc_close(ncid_);
}

void NetcdfTrajectory::check(int status, const char* what) const { check_nc(status, path(), what); }

void NetcdfTrajectory::create(const System& system) {
  // Classic 64-bit-offset format, as the AMBER convention asks (and crash-safe: no HDF5 layer).
  if (nc_create(path().c_str(), NC_CLOBBER | NC_64BIT_OFFSET, &ncid_) != NC_NOERR)
    throw InputError(path().string(), "cannot create the NetCDF trajectory");
  int old_fill;
  check(nc_set_fill(ncid_, NC_NOFILL, &old_fill), "cannot set the fill mode");  // frames are whole
  int frame, spatial, atom, cell_spatial, cell_angular, label;
  check(nc_def_dim(ncid_, "frame", NC_UNLIMITED, &frame), "cannot define dimensions");
  check(nc_def_dim(ncid_, "spatial", 3, &spatial), "cannot define dimensions");
  check(nc_def_dim(ncid_, "atom", atoms_, &atom), "cannot define dimensions");
  check(nc_def_dim(ncid_, "cell_spatial", 3, &cell_spatial), "cannot define dimensions");
  check(nc_def_dim(ncid_, "cell_angular", 3, &cell_angular), "cannot define dimensions");
  check(nc_def_dim(ncid_, "label", 5, &label), "cannot define dimensions");
  for (const auto& [name, value] : {std::pair<const char*, std::string>{"Conventions", "AMBER"},
                                    {"ConventionVersion", "1.0"},
                                    {"program", "mdgpu"},
                                    {"programVersion", MDGPU_VERSION},
                                    {"title", "mdgpu trajectory"}})
    put_text_att(ncid_, NC_GLOBAL, name, value, path());

  const nc_type real = std::get<NetcdfFormat>(spec_.format).float64 ? NC_DOUBLE : NC_FLOAT;
  auto def = [&](const char* name, nc_type type, std::initializer_list<int> dims, const char* units) {
    const std::vector<int> d(dims);
    int id;
    check(nc_def_var(ncid_, name, type, static_cast<int>(d.size()), d.data(), &id),
          "cannot define a variable");
    if (units) put_text_att(ncid_, id, "units", units, path());
    return id;
  };
  def("spatial", NC_CHAR, {spatial}, nullptr);
  def("cell_spatial", NC_CHAR, {cell_spatial}, nullptr);
  def("cell_angular", NC_CHAR, {cell_angular, label}, nullptr);
  def("atom_types", NC_INT, {atom}, nullptr);
  def("time", real, {frame}, "picosecond");
  def("step", NC_INT, {frame}, nullptr);
  const int coordinates = def("coordinates", real, {frame, atom, spatial}, "angstrom");
  put_text_att(ncid_, coordinates, "mdgpu_coordinates",
               spec_.coordinates == Coordinates::Wrapped ? "wrapped" : "unwrapped", path());
  def("cell_lengths", NC_DOUBLE, {frame, cell_spatial}, "angstrom");
  def("cell_angles", NC_DOUBLE, {frame, cell_angular}, "degree");
  if (spec_.velocities) def("velocities", real, {frame, atom, spatial}, "angstrom/picosecond");
  if (spec_.forces) def("forces", real, {frame, atom, spatial}, "kilocalorie/mole/angstrom");
  if (spec_.energies) def("c_epot", real, {frame, atom}, "electron_volt");
  if (spec_.force_dev) def("force_dev", real, {frame, atom}, "eV/Angstrom");
  check(nc_enddef(ncid_), "cannot define the file");

  check(nc_put_var_text(ncid_, var("spatial"), "xyz"), "cannot write labels");
  check(nc_put_var_text(ncid_, var("cell_spatial"), "abc"), "cannot write labels");
  check(nc_put_var_text(ncid_, var("cell_angular"), "alphabeta gamma"), "cannot write labels");
  std::vector<int> numbers(atoms_);
  for (std::size_t i = 0; i < atoms_; ++i)
    numbers[i] = find_element(system.species[system.type[i]])->number;
  if (atoms_ > 0) check(nc_put_var_int(ncid_, var("atom_types"), numbers.data()), "cannot write atom_types");
  check(nc_sync(ncid_), "cannot sync");
}

int NetcdfTrajectory::var(const char* name) const {
  int id;
  check(nc_inq_varid(ncid_, name, &id), name);
  return id;
}

void NetcdfTrajectory::put(const char* name, const std::vector<std::size_t>& start,
                           const std::vector<std::size_t>& count, const double* data) {
  check(nc_put_vara_double(ncid_, var(name), start.data(), count.data(), data), name);
}

void NetcdfTrajectory::observe(const Snapshot& snapshot) {
  const System& system = snapshot.system();
  const CanonicalFrame canonical(system.box, path().string());
  const TrajectoryFrame frame = gather_frame(snapshot, spec_, &canonical);
  const std::size_t f = frames_, n = atoms_;
  std::vector<double> xyz(3 * n);
  auto put_vectors = [&](const char* name, const Vec3Array& v) {
    for (std::size_t i = 0; i < n; ++i)
      xyz[3 * i] = v.x[i], xyz[3 * i + 1] = v.y[i], xyz[3 * i + 2] = v.z[i];
    put(name, {f, 0, 0}, {1, n, 3}, xyz.data());
  };
  put_vectors("coordinates", frame.positions.r);
  if (spec_.velocities) put_vectors("velocities", frame.velocities);
  if (spec_.forces) {  // AMBER's unit, kcal/mol/Å
    Vec3Array kcal = frame.forces;
    for (std::vector<double>* c : {&kcal.x, &kcal.y, &kcal.z})
      for (double& v : *c) v *= units::kKcalPerMolPerEv;
    put_vectors("forces", kcal);
  }
  if (spec_.energies) put("c_epot", {f, 0}, {1, n}, frame.energies.data());
  if (spec_.force_dev) put("force_dev", {f, 0}, {1, n}, frame.force_dev.data());
  const double time = snapshot.thermo().time;
  put("time", {f}, {1}, &time);
  const std::int64_t step = snapshot.thermo().step;
  if (step > INT_MAX) throw RuntimeFailure(fmt::format("{}: step {} does not fit the NetCDF step variable", path().string(), step));
  const int step32 = static_cast<int>(step);
  const std::size_t start[1] = {f}, one[1] = {1};
  check(nc_put_vara_int(ncid_, var("step"), start, one, &step32), "step");
  double lengths[3], angles[3];
  cell_lengths_angles(system.box, lengths, angles);
  put("cell_lengths", {f, 0}, {1, 3}, lengths);
  put("cell_angles", {f, 0}, {1, 3}, angles);
  // The frame counts (for readers, and after a kill) once the header's record count is synced.
  check(nc_sync(ncid_), "cannot sync a frame");
  ++frames_;
}

std::int64_t NetcdfTrajectory::length_on_disk() const {
  NcFile file;
  if (nc_open(path().c_str(), NC_NOWRITE, &file.id) != NC_NOERR)
    throw InputError(path().string(), "not a readable NetCDF file");
  int dim;
  std::size_t frames = 0, atoms = 0;
  const bool ok = nc_inq_dimid(file.id, "frame", &dim) == NC_NOERR &&
                  nc_inq_dimlen(file.id, dim, &frames) == NC_NOERR &&
                  nc_inq_dimid(file.id, "atom", &dim) == NC_NOERR &&
                  nc_inq_dimlen(file.id, dim, &atoms) == NC_NOERR;
  if (!ok || atoms != atoms_)
    throw InputError(path().string(), fmt::format("not a NetCDF trajectory of this run's {} atoms", atoms_));
  return static_cast<std::int64_t>(frames);
}

void NetcdfTrajectory::sync() const {
  check(nc_sync(ncid_), "cannot sync");
  fsync_path(path());
}

void NetcdfTrajectory::reopen(std::int64_t length) {
  if (length_on_disk() > length) cut_netcdf_frames(path(), static_cast<std::size_t>(length));
  check(nc_open(path().c_str(), NC_WRITE, &ncid_), "cannot reopen");
  int old_fill;
  check(nc_set_fill(ncid_, NC_NOFILL, &old_fill), "cannot set the fill mode");
  frames_ = static_cast<std::size_t>(length);
}

void cut_netcdf_frames(const std::filesystem::path& path, std::size_t frames) {
  const std::filesystem::path cut = path.string() + ".cut";
  {
    NcFile in, out;
    check_nc(nc_open(path.c_str(), NC_NOWRITE, &in.id), path, "cannot open");
    int format;
    check_nc(nc_inq_format(in.id, &format), path, "cannot read the format");
    if (format != NC_FORMAT_64BIT_OFFSET && format != NC_FORMAT_CLASSIC)
      throw RuntimeFailure(fmt::format("{}: not a classic NetCDF file", path.string()));
    check_nc(nc_create(cut.c_str(), NC_CLOBBER | (format == NC_FORMAT_64BIT_OFFSET ? NC_64BIT_OFFSET : 0),
                       &out.id),
             cut, "cannot create");
    int ndims, nvars, natts, record_dim;
    check_nc(nc_inq(in.id, &ndims, &nvars, &natts, &record_dim), path, "cannot read the header");
    char name[NC_MAX_NAME + 1];
    for (int d = 0; d < ndims; ++d) {
      std::size_t len;
      int id;
      check_nc(nc_inq_dim(in.id, d, name, &len), path, "cannot read a dimension");
      check_nc(nc_def_dim(out.id, name, d == record_dim ? NC_UNLIMITED : len, &id), cut,
               "cannot define a dimension");
    }
    auto copy_atts = [&](int var, int count) {
      for (int a = 0; a < count; ++a) {
        check_nc(nc_inq_attname(in.id, var, a, name), path, "cannot read an attribute");
        check_nc(nc_copy_att(in.id, var, name, out.id, var), cut, "cannot copy an attribute");
      }
    };
    copy_atts(NC_GLOBAL, natts);
    for (int v = 0; v < nvars; ++v) {
      nc_type type;
      int nd, dims[NC_MAX_VAR_DIMS], na, id;
      check_nc(nc_inq_var(in.id, v, name, &type, &nd, dims, &na), path, "cannot read a variable");
      check_nc(nc_def_var(out.id, name, type, nd, dims, &id), cut, "cannot define a variable");
      copy_atts(v, na);
    }
    check_nc(nc_enddef(out.id), cut, "cannot define the file");
    // Record by record, so that memory stays one frame whatever the file's size.
    std::vector<unsigned char> buffer;
    for (int v = 0; v < nvars; ++v) {
      nc_type type;
      int nd, dims[NC_MAX_VAR_DIMS];
      check_nc(nc_inq_var(in.id, v, nullptr, &type, &nd, dims, nullptr), path, "cannot read a variable");
      std::size_t size;
      check_nc(nc_inq_type(in.id, type, nullptr, &size), path, "cannot read a type");
      std::vector<std::size_t> start(nd, 0), count(nd);
      for (int d = 0; d < nd; ++d) {
        check_nc(nc_inq_dimlen(in.id, dims[d], &count[d]), path, "cannot read a dimension");
        size *= dims[d] == record_dim ? 1 : count[d];
      }
      const bool record = nd > 0 && dims[0] == record_dim;
      if (record) count[0] = 1;
      buffer.resize(size);
      for (std::size_t r = 0; r < (record ? frames : 1); ++r) {
        if (record) start[0] = r;
        check_nc(nc_get_vara(in.id, v, start.data(), count.data(), buffer.data()), path, "cannot read");
        check_nc(nc_put_vara(out.id, v, start.data(), count.data(), buffer.data()), cut, "cannot write");
      }
    }
  }
  fsync_path(cut);
  rename_durably(cut, path);
}

}  // namespace mdgpu
