#include "io/lammps_dump_reader.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/errors.hpp"
#include "io/text_lines.hpp"

namespace mdgpu {
namespace {

using text::LineReader;

std::string expect_line(LineReader& in, const char* what) {
  std::string line;
  if (!in.next(line))
    throw InputError(in.where(in.line_number() + 1), fmt::format("the file ends before {}", what));
  return line;
}

struct Header {
  std::int64_t step = 0;
  std::optional<double> time;
  std::size_t atoms = 0;
  Mat3 cell{};
  Vec3 origin{};
  std::array<bool, 3> periodic{};
  std::vector<std::string> columns;
  std::string where;  // of the TIMESTEP line
};

// The BOX BOUNDS item: flags after the keyword, then three lines of lo hi [tilt].
void read_box(LineReader& in, const std::string& item, Header& h) {
  const auto words = text::split(item);  // ITEM: BOX BOUNDS [xy xz yz] f f f
  std::vector<std::string_view> flags(words.begin() + 3, words.end());
  const bool triclinic = !flags.empty() && flags[0] == "xy";
  if (triclinic) flags.erase(flags.begin(), flags.begin() + std::min<std::size_t>(3, flags.size()));
  double lo[3], hi[3], tilt[3] = {0.0, 0.0, 0.0};
  for (int k = 0; k < 3; ++k) {
    const std::string line = expect_line(in, "the box bounds");
    const auto t = text::split(line);
    if (t.size() != (triclinic ? 3u : 2u))
      throw InputError(in.where(), fmt::format("expected {} numbers of the box bounds, found '{}'",
                                               triclinic ? 3 : 2, line));
    lo[k] = text::to_finite(t[0], in.where(), "box bound");
    hi[k] = text::to_finite(t[1], in.where(), "box bound");
    if (triclinic) tilt[k] = text::to_finite(t[2], in.where(), "tilt factor");
  }
  const double xy = tilt[0], xz = tilt[1], yz = tilt[2];
  if (triclinic) {  // bounding box -> cell (LAMMPS manual, Howto_triclinic)
    lo[0] -= std::min({0.0, xy, xz, xy + xz}), hi[0] -= std::max({0.0, xy, xz, xy + xz});
    lo[1] -= std::min(0.0, yz), hi[1] -= std::max(0.0, yz);
  }
  h.cell = Mat3{Vec3{hi[0] - lo[0], 0.0, 0.0}, Vec3{xy, hi[1] - lo[1], 0.0},
                Vec3{xz, yz, hi[2] - lo[2]}};
  h.origin = Vec3{lo[0], lo[1], lo[2]};
  for (int k = 0; k < 3; ++k)
    h.periodic[k] = k < static_cast<int>(flags.size()) && flags[k] == "pp";
}

// The header items up to and including ITEM: ATOMS; false at the end of the file.
bool read_header(LineReader& in, Header& h) {
  std::string line;
  do {
    if (!in.next(line)) return false;
  } while (text::is_blank(line));
  bool atoms = false, box = false, step = false;
  for (;; line = expect_line(in, "the ITEM: ATOMS line of a frame")) {
    if (line.rfind("ITEM:", 0) != 0)
      throw InputError(
          in.where(),
          fmt::format("expected an ITEM: line of a LAMMPS dump, found '{}'", line.substr(0, 60)));
    const std::string item = line.substr(5);
    if (item.find("TIMESTEP") != std::string::npos) {
      h.where = in.where();
      h.step = text::to_integer(text::split(expect_line(in, "the time step")).at(0), in.where(),
                                "time step");
      step = true;
    } else if (item.find("TIME") != std::string::npos) {
      h.time = text::to_finite(text::split(expect_line(in, "the time")).at(0), in.where(), "time");
    } else if (item.find("UNITS") != std::string::npos) {
      const std::string units = expect_line(in, "the units");
      if (text::split(units).empty() || text::split(units)[0] != "metal")
        throw InputError(in.where(), fmt::format("the dump is in LAMMPS units '{}': mdgpu reads "
                                                 "'metal' (Å, ps, eV) only",
                                                 units));
    } else if (item.find("NUMBER OF ATOMS") != std::string::npos) {
      const long long n = text::to_integer(text::split(expect_line(in, "the atom count")).at(0),
                                           in.where(), "number of atoms");
      if (n < 0) throw InputError(in.where(), "negative number of atoms");
      h.atoms = static_cast<std::size_t>(n);
    } else if (item.find("BOX BOUNDS") != std::string::npos) {
      read_box(in, line, h);
      box = true;
    } else if (item.find("ATOMS") != std::string::npos) {
      const auto words = text::split(item);  // ATOMS id type ...
      for (std::size_t k = 1; k < words.size(); ++k) h.columns.emplace_back(words[k]);
      atoms = true;
      break;
    }
  }
  if (!step || !box)
    throw InputError(in.where(), fmt::format("a frame without {} before ITEM: ATOMS",
                                             step ? "ITEM: BOX BOUNDS" : "ITEM: TIMESTEP"));
  return atoms;
}

// Index of the first of `names` among the columns, -1 when none is there.
int column(const Header& h, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const auto it = std::find(h.columns.begin(), h.columns.end(), name);
    if (it != h.columns.end()) return static_cast<int>(it - h.columns.begin());
  }
  return -1;
}

}  // namespace

LammpsDumpReader::LammpsDumpReader(const std::filesystem::path& path,
                                   const TrajectoryOptions& options)
    : path_(path), options_(options), in_(std::make_unique<LineReader>(path)) {}

LammpsDumpReader::~LammpsDumpReader() = default;

std::int64_t LammpsDumpReader::count_frames() {
  LineReader in(path_);
  std::int64_t frames = 0;
  for (Header h; read_header(in, h); h = Header{}, ++frames) {
    std::string line;
    for (std::size_t i = 0; i < h.atoms; ++i) expect_line(in, "the last atom line of a frame");
  }
  return frames;
}

bool LammpsDumpReader::next(Frame& frame) {
  frame = Frame{};
  Header h;
  if (!read_header(*in_, h)) return false;
  frame.where = h.where;
  const std::string& where = h.where;
  // Positions: wrapped, unwrapped or scaled (fractional) coordinates.
  const char* position_sets[][3] = {
      {"x", "y", "z"}, {"xu", "yu", "zu"}, {"xs", "ys", "zs"}, {"xsu", "ysu", "zsu"}};
  int position = -1, p[3] = {-1, -1, -1};
  for (int set = 0; set < 4 && position < 0; ++set) {
    for (int k = 0; k < 3; ++k) p[k] = column(h, {position_sets[set][k]});
    if (p[0] >= 0 && p[1] >= 0 && p[2] >= 0) position = set;
  }
  if (position < 0)
    throw InputError(where, fmt::format("ITEM: ATOMS has no positions (x y z, xu yu zu, xs ys zs "
                                        "or xsu ysu zsu): {}",
                                        fmt::join(h.columns, " ")));
  frame.unwrapped = position == 1 || position == 3;
  const int id = column(h, {"id"}), element = column(h, {"element"}), type = column(h, {"type"});
  if (element < 0 && (type < 0 || options_.type_species.empty()))
    throw InputError(where,
                     "the dump has no element column: give the species of the LAMMPS atom "
                     "types 1, 2, ... (mdgpu analyze --types Li,P,O,N)");
  const int image[3] = {column(h, {"ix"}), column(h, {"iy"}), column(h, {"iz"})};
  const bool images = image[0] >= 0 && image[1] >= 0 && image[2] >= 0 && position == 0;
  const int v[3] = {column(h, {"vx"}), column(h, {"vy"}), column(h, {"vz"})};
  const int f[3] = {column(h, {"fx"}), column(h, {"fy"}), column(h, {"fz"})};
  const int energy = column(h, {"c_epot", "c_pe", "c_peatom"});
  const bool velocities = v[0] >= 0 && v[1] >= 0 && v[2] >= 0;
  const bool forces = f[0] >= 0 && f[1] >= 0 && f[2] >= 0;

  struct Atom {
    long long id;
    std::string species;
    double r[3], v[3], f[3], e;
    int n[3];
  };
  std::vector<Atom> atoms(h.atoms);
  std::string line;
  for (std::size_t i = 0; i < h.atoms; ++i) {
    line = expect_line(*in_, "the last atom line of a frame");
    const std::string at = in_->where();
    const auto t = text::split(line);
    if (t.size() != h.columns.size())
      throw InputError(at, fmt::format("expected {} columns ({}), found {}", h.columns.size(),
                                       fmt::join(h.columns, " "), t.size()));
    Atom& a = atoms[i];
    a.id = id >= 0 ? text::to_integer(t[id], at, "id") : static_cast<long long>(i + 1);
    if (element >= 0) {
      a.species = std::string(t[element]);
    } else {
      const long long k = text::to_integer(t[type], at, "type");
      if (k < 1 || k > static_cast<long long>(options_.type_species.size()))
        throw InputError(at, fmt::format("atom type {} has no species (--types gives {})", k,
                                         fmt::join(options_.type_species, ",")));
      a.species = options_.type_species[k - 1];
    }
    for (int k = 0; k < 3; ++k) {
      a.r[k] = text::to_finite(t[p[k]], at, h.columns[p[k]]);
      a.n[k] =
          images ? static_cast<int>(text::to_integer(t[image[k]], at, h.columns[image[k]])) : 0;
      a.v[k] = velocities ? text::to_finite(t[v[k]], at, h.columns[v[k]]) : 0.0;
      a.f[k] = forces ? text::to_double(t[f[k]], at, h.columns[f[k]]) : 0.0;
    }
    a.e = energy >= 0 ? text::to_double(t[energy], at, h.columns[energy]) : 0.0;
  }
  std::stable_sort(atoms.begin(), atoms.end(),
                   [](const Atom& a, const Atom& b) { return a.id < b.id; });

  System& s = frame.system;
  s.box = Box(h.cell, h.periodic, where);
  const bool scaled = position >= 2;
  for (const Atom& a : atoms) {
    double r[3];
    if (scaled) {
      box_to_cart(s.box.data(), a.r, r);
    } else {
      for (int k = 0; k < 3; ++k) r[k] = a.r[k] - h.origin[k];
    }
    s.add_atom(a.species, r[0], r[1], r[2], where);
  }
  const std::size_t n = atoms.size();
  if (velocities) {
    s.has_velocities = true;
    for (std::size_t i = 0; i < n; ++i)
      s.velocities.x[i] = atoms[i].v[0], s.velocities.y[i] = atoms[i].v[1],
      s.velocities.z[i] = atoms[i].v[2];
  }
  const auto per_atom = [&](const char* name, int columns, auto value) {
    PerAtomArray& array = frame.arrays[name];
    array.columns = columns;
    for (const Atom& a : atoms)
      for (int k = 0; k < columns; ++k) array.values.push_back(value(a, k));
  };
  if (images) per_atom("image", 3, [](const Atom& a, int k) { return double(a.n[k]); });
  if (forces) per_atom("forces", 3, [](const Atom& a, int k) { return a.f[k]; });
  if (energy >= 0) per_atom("energies", 1, [](const Atom& a, int) { return a.e; });
  frame.info["step"] = fmt::format("{}", h.step);
  if (h.time) frame.info["time"] = fmt::format("{}", *h.time);
  return true;
}

}  // namespace mdgpu
