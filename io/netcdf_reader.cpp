#include "io/netcdf_reader.hpp"

#include <netcdf.h>
#include <netcdf_mem.h>
#include <zlib.h>

#include <cmath>

#include <fmt/format.h>

#include "core/elements.hpp"
#include "core/errors.hpp"
#include "core/units.hpp"

namespace mdgpu {
namespace {

std::string text_attribute(int ncid, int varid, const char* name) {
  std::size_t length = 0;
  if (nc_inq_attlen(ncid, varid, name, &length) != NC_NOERR) return {};
  std::string value(length, '\0');
  if (nc_get_att_text(ncid, varid, name, value.data()) != NC_NOERR) return {};
  while (!value.empty() && value.back() == '\0') value.pop_back();
  return value;
}

std::string decompress(const std::filesystem::path& path) {
  gzFile in = gzopen(path.c_str(), "rb");
  if (!in) throw InputError(path.string(), "cannot open");
  std::string out;
  char buffer[1 << 16];
  int got;
  while ((got = gzread(in, buffer, sizeof buffer)) > 0) out.append(buffer, got);
  int status = Z_OK;
  const std::string error = gzerror(in, &status);
  gzclose(in);
  if (got < 0 || status != Z_OK) throw InputError(path.string(), "cannot decompress: " + error);
  return out;
}

// The restricted-triclinic cell of AMBER lengths and angles (degrees).
Mat3 cell_of(const double lengths[3], const double angles[3]) {
  const double d = M_PI / 180.0;
  const double ca = std::cos(angles[0] * d), cb = std::cos(angles[1] * d);
  const double cg = std::cos(angles[2] * d), sg = std::sin(angles[2] * d);
  const double cy = (ca - cb * cg) / sg;
  return Mat3{
      Vec3{lengths[0], 0.0, 0.0}, Vec3{lengths[1] * cg, lengths[1] * sg, 0.0},
      Vec3{lengths[2] * cb, lengths[2] * cy, lengths[2] * std::sqrt(1.0 - cb * cb - cy * cy)}};
}

}  // namespace

NetcdfReader::NetcdfReader(const std::filesystem::path& path, bool gzipped) : path_(path) {
  const std::string where = path.string();
  int status;
  if (gzipped) {
    memory_ = decompress(path);
    status = nc_open_mem(where.c_str(), NC_NOWRITE, memory_.size(), memory_.data(), &ncid_);
  } else {
    status = nc_open(where.c_str(), NC_NOWRITE, &ncid_);
  }
  if (status != NC_NOERR)
    throw InputError(where, fmt::format("not a readable NetCDF file: {}", nc_strerror(status)));
  if (text_attribute(ncid_, NC_GLOBAL, "Conventions").find("AMBER") == std::string::npos)
    throw InputError(where, "a NetCDF file, but not an AMBER trajectory (no Conventions = AMBER)");
  int dim;
  if (nc_inq_dimid(ncid_, "frame", &dim) != NC_NOERR || nc_inq_dimlen(ncid_, dim, &frames_) ||
      nc_inq_dimid(ncid_, "atom", &dim) != NC_NOERR || nc_inq_dimlen(ncid_, dim, &atoms_))
    throw InputError(where, "an AMBER NetCDF file without frame and atom dimensions");
  if (!has("coordinates")) throw InputError(where, "the trajectory has no coordinates");
  if (!has("atom_types"))
    throw InputError(where,
                     "the trajectory has no atom_types (atomic numbers): mdgpu cannot tell "
                     "the species");
  std::vector<int> numbers(atoms_);
  int var;
  nc_inq_varid(ncid_, "atom_types", &var);
  int dims = 0;
  nc_inq_varndims(ncid_, var, &dims);
  const std::size_t start[2] = {0, 0}, count[2] = {dims == 2 ? 1u : atoms_, atoms_};
  if (atoms_ > 0 &&
      nc_get_vara_int(ncid_, var, start, dims == 2 ? count : count + 1, numbers.data()) != NC_NOERR)
    throw InputError(where, "cannot read atom_types");
  for (std::size_t i = 0; i < atoms_; ++i) {
    const auto element = find_element(numbers[i]);
    if (!element)
      throw InputError(
          where, fmt::format("atom {}: atom_types {} is not an atomic number", i + 1, numbers[i]));
    species_.push_back(element->symbol);
  }
  nc_inq_varid(ncid_, "coordinates", &var);
  unwrapped_ = text_attribute(ncid_, var, "mdgpu_coordinates") == "unwrapped";
}

NetcdfReader::~NetcdfReader() {
  if (ncid_ >= 0) nc_close(ncid_);
}

bool NetcdfReader::has(const char* variable) const {
  int var;
  return nc_inq_varid(ncid_, variable, &var) == NC_NOERR;
}

std::vector<double> NetcdfReader::read(const char* variable, std::size_t frame,
                                       std::size_t count) const {
  int var, dims = 0, ids[NC_MAX_VAR_DIMS];
  nc_inq_varid(ncid_, variable, &var);
  nc_inq_varndims(ncid_, var, &dims);
  nc_inq_vardimid(ncid_, var, ids);
  // One record of a variable whose first dimension is the frame.
  std::vector<std::size_t> start(dims, 0), shape(dims, 1);
  std::size_t values = 1;
  start[0] = frame;
  for (int d = 1; d < dims; ++d) nc_inq_dimlen(ncid_, ids[d], &shape[d]), values *= shape[d];
  std::vector<double> out(values);
  if (values != count ||
      nc_get_vara_double(ncid_, var, start.data(), shape.data(), out.data()) != NC_NOERR)
    throw InputError(fmt::format("{}: frame {}", path_.string(), frame + 1),
                     fmt::format("cannot read {} ({} values per frame expected)", variable, count));
  double factor = 1.0;
  if (nc_get_att_double(ncid_, var, "scale_factor", &factor) == NC_NOERR)
    for (double& v : out) v *= factor;
  return out;
}

double NetcdfReader::scale(const char* variable) const {
  int var;
  nc_inq_varid(ncid_, variable, &var);
  const std::string units = text_attribute(ncid_, var, "units");
  if (units == "kilocalorie/mole/angstrom") return 1.0 / units::kKcalPerMolPerEv;
  if (units.empty() || units == "angstrom" || units == "angstrom/picosecond" ||
      units == "picosecond" || units == "electron_volt" || units == "electron_volt/angstrom" ||
      units == "degree")
    return 1.0;
  throw InputError(path_.string(),
                   fmt::format("{} is in '{}', a unit mdgpu does not convert", variable, units));
}

bool NetcdfReader::next(Frame& frame) {
  if (next_ >= frames_) return false;
  const std::size_t f = next_++, n = atoms_;
  frame = Frame{};
  frame.where = fmt::format("{}: frame {}", path_.string(), f + 1);
  System& s = frame.system;
  if (has("cell_lengths") && has("cell_angles")) {
    const std::vector<double> lengths = read("cell_lengths", f, 3),
                              angles = read("cell_angles", f, 3);
    Mat3 h = cell_of(lengths.data(), angles.data());
    std::array<bool, 3> periodic{};
    for (int k = 0; k < 3; ++k) {
      periodic[k] = lengths[k] > 0;
      if (!periodic[k]) h[k] = Vec3{};
    }
    s.box = Box(h, periodic, frame.where);
  }
  const std::vector<double> r = read("coordinates", f, 3 * n);
  const double length = scale("coordinates");
  for (std::size_t i = 0; i < n; ++i)
    s.add_atom(species_[i], r[3 * i] * length, r[3 * i + 1] * length, r[3 * i + 2] * length,
               frame.where);
  frame.unwrapped = unwrapped_;
  if (has("velocities")) {
    const std::vector<double> v = read("velocities", f, 3 * n);
    const double unit = scale("velocities");
    for (std::size_t i = 0; i < n; ++i)
      s.velocities.x[i] = v[3 * i] * unit, s.velocities.y[i] = v[3 * i + 1] * unit,
      s.velocities.z[i] = v[3 * i + 2] * unit;
    s.has_velocities = true;
  }
  if (has("forces")) {
    PerAtomArray& forces = frame.arrays["forces"];
    forces.columns = 3;
    forces.values = read("forces", f, 3 * n);
    for (double& v : forces.values) v *= scale("forces");
  }
  if (has("c_epot")) frame.arrays["energies"].values = read("c_epot", f, n);
  if (has("force_dev")) frame.arrays["force_dev"].values = read("force_dev", f, n);
  if (has("time"))
    frame.info["time"] = fmt::format("{}", read("time", f, 1).front() * scale("time"));
  if (has("step")) frame.info["step"] = fmt::format("{}", std::llround(read("step", f, 1).front()));
  return true;
}

}  // namespace mdgpu
