#include "io/extxyz.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "core/elements.hpp"
#include "core/errors.hpp"
#include "core/units.hpp"
#include "io/text_lines.hpp"

namespace mdgpu {
namespace {

using text::LineReader;

// ASE's time unit, Å·sqrt(amu/eV), in ps: ASE velocities are Å per this unit. (ASE 3.22 uses
// CODATA 2014 constants, mdgpu CODATA 2018: they differ in the 9th digit.)
const double kAseTimeInPs = std::sqrt(units::kMvv2e);

bool is_space(char c) { return c == ' ' || c == '\t'; }

// One token of a comment line starting at s[i]: quoted parts ("", '', {}, []) are taken
// without their delimiters, a backslash takes the next character literally, and a key stops
// at '='. An unterminated quote runs to the end of the line, as in ASE.
std::string read_token(std::string_view s, std::size_t& i, bool is_key) {
  std::string out;
  while (i < s.size() && !is_space(s[i]) && !(is_key && s[i] == '=')) {
    const char c = s[i++];
    const char close = c == '"' ? '"' : c == '\'' ? '\'' : c == '{' ? '}' : c == '[' ? ']' : 0;
    if (c == '\\' && i < s.size()) {
      out += s[i++];
    } else if (close == 0) {
      out += c;
    } else {
      while (i < s.size() && s[i] != close) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        out += s[i++];
      }
      if (i < s.size()) ++i;  // the closing delimiter
    }
  }
  return out;
}

// key=value pairs in order of appearance; a bare key gets the value "T".
std::vector<std::pair<std::string, std::string>> parse_comment(std::string_view s) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t i = 0;
  const auto skip_spaces = [&] {
    while (i < s.size() && is_space(s[i])) ++i;
  };
  for (skip_spaces(); i < s.size(); skip_spaces()) {
    std::string key = read_token(s, i, true);
    skip_spaces();
    std::string value = "T";
    if (i < s.size() && s[i] == '=') {
      ++i;
      skip_spaces();
      value = read_token(s, i, false);
    }
    if (!key.empty()) pairs.emplace_back(std::move(key), std::move(value));
  }
  return pairs;
}

struct Property {
  std::string name;
  char type;    // S, R, I or L
  int columns;
  int first;    // index of its first column on an atom line
};

std::vector<Property> parse_properties(const std::string& spec, const std::string& where) {
  std::vector<std::string> fields;
  for (std::size_t start = 0;;) {
    const std::size_t colon = spec.find(':', start);
    fields.push_back(spec.substr(start, colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (fields.size() % 3 != 0)
    throw InputError(where, fmt::format("Properties must be name:type:columns triples, found "
                                        "'{}'", spec));
  std::vector<Property> props;
  int first = 0;
  for (std::size_t k = 0; k < fields.size(); k += 3) {
    const std::string& name = fields[k];
    const std::string& type = fields[k + 1];
    if (type != "S" && type != "R" && type != "I" && type != "L")
      throw InputError(where, fmt::format("Properties: type of '{}' must be S, R, I or L, found "
                                          "'{}'", name, type));
    const long long columns = text::to_integer(fields[k + 2], where, "Properties column count");
    if (columns < 1 || columns > 1000)
      throw InputError(where, fmt::format("Properties: '{}' has {} columns", name, columns));
    for (const Property& p : props)
      if (p.name == name)
        throw InputError(where, fmt::format("Properties: '{}' is listed twice", name));
    props.push_back({name, type[0], static_cast<int>(columns), first});
    first += static_cast<int>(columns);
  }
  return props;
}

// The property called one of `names`, which must have the given type and column count.
const Property* find_property(const std::vector<Property>& props,
                              std::initializer_list<const char*> names, char type, int columns,
                              const std::string& where) {
  for (const Property& p : props)
    for (const char* name : names)
      if (p.name == name) {
        if (p.type != type || p.columns != columns)
          throw InputError(where, fmt::format("Properties: '{}' must be {}:{}, found {}:{}",
                                              p.name, type, columns, p.type, p.columns));
        return &p;
      }
  return nullptr;
}

std::array<bool, 3> parse_pbc(const std::string& value, const std::string& where) {
  const auto tokens = text::split(value);
  std::array<bool, 3> pbc{};
  const auto flag = [&](std::string_view t) {
    if (t == "T" || t == "t" || t == "True" || t == "true" || t == "1") return true;
    if (t == "F" || t == "f" || t == "False" || t == "false" || t == "0") return false;
    throw InputError(where, fmt::format("pbc must be three T/F flags, found '{}'", value));
  };
  if (tokens.size() == 1) {
    pbc.fill(flag(tokens[0]));
  } else if (tokens.size() == 3) {
    for (int k = 0; k < 3; ++k) pbc[k] = flag(tokens[k]);
  } else {
    throw InputError(where, fmt::format("pbc must be three T/F flags, found '{}'", value));
  }
  return pbc;
}

Box parse_box(const std::optional<std::string>& lattice, const std::optional<std::string>& pbc,
              const std::string& where) {
  std::array<bool, 3> periodic{};
  periodic.fill(lattice.has_value());
  if (pbc) periodic = parse_pbc(*pbc, where);
  if (!lattice) {
    if (periodic[0] || periodic[1] || periodic[2])
      throw InputError(where, "pbc marks a periodic axis but there is no Lattice");
    return Box();
  }
  const auto tokens = text::split(*lattice);
  if (tokens.size() != 9)
    throw InputError(where, fmt::format("Lattice must hold 9 numbers (rows a, b, c), found {}",
                                        tokens.size()));
  Mat3 rows{};
  for (int k = 0; k < 9; ++k) rows[k / 3][k % 3] = text::to_finite(tokens[k], where, "Lattice");
  return Box(rows, periodic, where);
}

double parse_logical(std::string_view t, const std::string& where, const std::string& name) {
  if (t == "T" || t == "True" || t == "true" || t == "1") return 1.0;
  if (t == "F" || t == "False" || t == "false" || t == "0") return 0.0;
  throw InputError(where, fmt::format("{}: expected T or F, found '{}'", name, t));
}

// Velocities in Å/ps from the `velocities` column, else from ASE's `momenta`.
void set_velocities(Frame& frame, const std::string& where) {
  System& sys = frame.system;
  const std::size_t n = sys.size();
  const auto velocities = frame.arrays.find("velocities");
  const auto momenta = frame.arrays.find("momenta");
  const auto masses = frame.arrays.find("masses");
  if (velocities != frame.arrays.end()) {
    const auto& v = velocities->second.values;
    for (std::size_t i = 0; i < n; ++i) {
      sys.velocities.x[i] = v[3 * i];
      sys.velocities.y[i] = v[3 * i + 1];
      sys.velocities.z[i] = v[3 * i + 2];
    }
  } else if (momenta != frame.arrays.end()) {
    const auto& p = momenta->second.values;
    for (std::size_t i = 0; i < n; ++i) {
      const double m = masses != frame.arrays.end() ? masses->second.values[i] : sys.mass(i);
      if (!(m > 0))
        throw InputError(where, fmt::format("atom {}: mass {} cannot convert momenta", i + 1, m));
      const double f = 1.0 / (m * kAseTimeInPs);
      sys.velocities.x[i] = p[3 * i] * f;
      sys.velocities.y[i] = p[3 * i + 1] * f;
      sys.velocities.z[i] = p[3 * i + 2] * f;
    }
  } else {
    return;
  }
  sys.has_velocities = true;
}

// The number on the first line of a frame.
std::size_t atom_count(const LineReader& in, const std::string& line) {
  const auto tokens = text::split(line);
  if (tokens.size() != 1 || !text::is_integer(tokens[0]) || tokens[0][0] == '-')
    throw InputError(in.where(), fmt::format("expected the number of atoms, found '{}'", line));
  return std::stoull(std::string(tokens[0]));
}

// Reads the next frame into `frame`; false at the end of the file.
bool read_frame(LineReader& in, Frame& frame) {
  std::string line;
  std::size_t blank_line = 0;  // blank lines may only trail the last frame
  do {
    if (!in.next(line)) return false;
    if (blank_line == 0 && text::is_blank(line)) blank_line = in.line_number();
  } while (text::is_blank(line));
  if (blank_line != 0)
    throw InputError(in.where(blank_line), "blank line where the atom count of a frame belongs");

  const std::size_t n = atom_count(in, line);

  if (!in.next(line))
    throw InputError(in.where(in.line_number() + 1),
                     fmt::format("the file ends before the comment line of a {}-atom frame", n));
  frame.where = in.where();
  std::optional<std::string> lattice, pbc;
  std::string properties = "species:S:1:pos:R:3";  // plain XYZ
  for (auto& [key, value] : parse_comment(line)) {
    if (key == "Lattice") lattice = value;
    else if (key == "pbc") pbc = value;
    else if (key == "Properties") properties = value;
    else frame.info[key] = value;
  }
  frame.system.box = parse_box(lattice, pbc, frame.where);

  const std::vector<Property> props = parse_properties(properties, frame.where);
  const Property* species = find_property(props, {"species", "symbols"}, 'S', 1, frame.where);
  const Property* pos = find_property(props, {"pos", "positions"}, 'R', 3, frame.where);
  find_property(props, {"velocities", "momenta"}, 'R', 3, frame.where);
  find_property(props, {"masses"}, 'R', 1, frame.where);
  if (!species) throw InputError(frame.where, "Properties has no species (or symbols) column");
  if (!pos) throw InputError(frame.where, "Properties has no pos (or positions) column");
  const std::size_t columns = props.back().first + props.back().columns;
  std::vector<std::pair<const Property*, PerAtomArray*>> numeric;
  for (const Property& p : props)
    if (&p != pos && p.type != 'S') {
      PerAtomArray& a = frame.arrays[p.name];
      a.columns = p.columns;
      a.values.reserve(std::min<std::size_t>(n, 1 << 20) * p.columns);  // n may be garbage
      numeric.emplace_back(&p, &a);
    }

  for (std::size_t i = 0; i < n; ++i) {
    if (!in.next(line))
      throw InputError(in.where(in.line_number() + 1),
                       fmt::format("the frame declares {} atoms but the file ends after {} atom "
                                   "lines",
                                   n, i));
    const std::string where = in.where();
    const auto tokens = text::split(line);
    if (tokens.size() != columns)
      throw InputError(where, fmt::format("expected {} columns (Properties={}), found {}", columns,
                                          properties, tokens.size()));
    double r[3];
    for (int c = 0; c < 3; ++c) r[c] = text::to_finite(tokens[pos->first + c], where, pos->name);
    frame.system.add_atom(std::string(tokens[species->first]), r[0], r[1], r[2], where);
    for (auto& [p, array] : numeric) {
      const bool must_be_finite = p->name == "velocities" || p->name == "momenta";
      for (int c = 0; c < p->columns; ++c) {
        const std::string_view t = tokens[p->first + c];
        double v;
        if (p->type == 'I') v = static_cast<double>(text::to_integer(t, where, p->name));
        else if (p->type == 'L') v = parse_logical(t, where, p->name);
        else if (must_be_finite) v = text::to_finite(t, where, p->name);
        else v = text::to_double(t, where, p->name);
        array->values.push_back(v);
      }
    }
  }
  set_velocities(frame, frame.where);
  return true;
}

}  // namespace

ExtxyzReader::ExtxyzReader(const std::filesystem::path& path)
    : in_(std::make_unique<LineReader>(path)) {}

ExtxyzReader::~ExtxyzReader() = default;

bool ExtxyzReader::next(Frame& frame) {
  frame = Frame{};
  return read_frame(*in_, frame);
}

bool ExtxyzReader::skip() {
  std::string line;
  do {
    if (!in_->next(line)) return false;
  } while (text::is_blank(line));
  const std::size_t lines = atom_count(*in_, line) + 1;  // comment + atoms
  for (std::size_t k = 0; k < lines; ++k)
    if (!in_->next(line))
      throw InputError(in_->where(in_->line_number() + 1), "the file ends inside a frame");
  return true;
}

std::vector<Frame> read_extxyz(const std::filesystem::path& path) {
  LineReader in(path);
  std::vector<Frame> frames;
  for (Frame frame; read_frame(in, frame); frame = Frame{}) frames.push_back(std::move(frame));
  if (frames.empty()) throw InputError(in.where(1), "the file is empty");
  return frames;
}

System read_extxyz_first(const std::filesystem::path& path) {
  LineReader in(path);
  Frame frame;
  if (!read_frame(in, frame)) throw InputError(in.where(1), "the file is empty");
  return std::move(frame.system);
}

System read_extxyz_frame(const std::filesystem::path& path, std::int64_t index) {
  std::int64_t target = index;
  if (index < 0) {
    ExtxyzReader counter(path);
    std::int64_t frames = 0;
    while (counter.skip()) ++frames;
    target = frames + index;
    if (target < 0)
      throw InputError(path.string(), fmt::format("frame {} was asked for, but the file has only "
                                                  "{} frame(s)", index, frames));
  }
  ExtxyzReader reader(path);
  for (std::int64_t k = 0; k < target; ++k)
    if (!reader.skip())
      throw InputError(path.string(), fmt::format("frame {} was asked for, but the file has only "
                                                  "{} frame(s)", index, k));
  Frame frame;
  if (!reader.next(frame))
    throw InputError(path.string(), fmt::format("frame {} was asked for, but the file has only "
                                                "{} frame(s)", index, target));
  return std::move(frame.system);
}

std::optional<std::vector<double>> info_numbers(const Frame& frame, const std::string& key) {
  const auto it = frame.info.find(key);
  if (it == frame.info.end()) return std::nullopt;
  std::string value = it->second;
  std::replace(value.begin(), value.end(), ',', ' ');
  std::vector<double> numbers;
  for (const auto token : text::split(value))
    numbers.push_back(text::to_double(token, frame.where, key));
  return numbers;
}

// ---------------------------------------------------------------------------------------------

std::string extxyz_frame(const System& system, const FrameExtras& extras) {
  const std::size_t n = system.size();
  if (extras.positions && extras.positions->size() != n)
    throw std::invalid_argument("extxyz_frame: positions do not match the atom count");
  if (extras.forces && extras.forces->size() != n)
    throw std::invalid_argument("extxyz_frame: forces do not match the atom count");
  if (extras.atom_energies && extras.atom_energies->size() != n)
    throw std::invalid_argument("extxyz_frame: per-atom energies do not match the atom count");
  for (const auto& c : extras.columns)
    if (!c.values || c.values->size() != n * static_cast<std::size_t>(c.columns))
      throw std::invalid_argument("extxyz_frame: column '" + c.name + "' does not match the atom count");
  const bool velocities = extras.velocities && system.has_velocities;

  // Momenta with the standard masses, which ASE divides by (System masses may be overridden).
  std::vector<double> momentum_factor(system.species.size());
  for (std::size_t t = 0; t < system.species.size(); ++t) {
    const auto element = find_element(system.species[t]);
    momentum_factor[t] = (element ? element->mass : system.species_mass[t]) * kAseTimeInPs;
  }

  // "{}" prints the shortest representation that reads back as the same double.
  fmt::memory_buffer out;
  const auto it = std::back_inserter(out);
  fmt::format_to(it, "{}\n", n);
  const Mat3& h = system.box.cell();
  const bool has_cell = std::any_of(h.begin(), h.end(), [](const Vec3& row) {
    return row[0] != 0.0 || row[1] != 0.0 || row[2] != 0.0;
  });
  if (has_cell)
    fmt::format_to(it, "Lattice=\"{} {} {} {} {} {} {} {} {}\" ", h[0][0], h[0][1], h[0][2],
                   h[1][0], h[1][1], h[1][2], h[2][0], h[2][1], h[2][2]);
  fmt::format_to(it, "Properties=species:S:1:pos:R:3{}{}{}", velocities
                     ? ":velocities:R:3:momenta:R:3" : "",
                 extras.forces ? ":forces:R:3" : "", extras.atom_energies ? ":energies:R:1" : "");
  for (const auto& c : extras.columns) fmt::format_to(it, ":{}:R:{}", c.name, c.columns);
  fmt::format_to(it, " step={} time={}", extras.step, extras.time);
  if (extras.energy) fmt::format_to(it, " energy={}", *extras.energy);
  for (const auto& [key, value] : extras.info)
    fmt::format_to(it, value.find(' ') == std::string::npos ? " {}={}" : " {}=\"{}\"", key, value);
  const auto& pbc = system.box.periodic();
  fmt::format_to(it, " pbc=\"{} {} {}\"\n", pbc[0] ? 'T' : 'F', pbc[1] ? 'T' : 'F',
                 pbc[2] ? 'T' : 'F');

  const Vec3Array& r = extras.positions ? *extras.positions : system.positions;
  const Vec3Array& v = system.velocities;
  for (std::size_t i = 0; i < n; ++i) {
    fmt::format_to(it, "{} {} {} {}", system.species[system.type[i]], r.x[i], r.y[i], r.z[i]);
    if (velocities) {
      const double m = momentum_factor[system.type[i]];
      fmt::format_to(it, " {} {} {} {} {} {}", v.x[i], v.y[i], v.z[i], m * v.x[i], m * v.y[i],
                     m * v.z[i]);
    }
    if (extras.forces) {
      const Vec3Array& f = *extras.forces;
      fmt::format_to(it, " {} {} {}", f.x[i], f.y[i], f.z[i]);
    }
    if (extras.atom_energies) fmt::format_to(it, " {}", (*extras.atom_energies)[i]);
    for (const auto& c : extras.columns)
      for (int k = 0; k < c.columns; ++k) fmt::format_to(it, " {}", (*c.values)[i * c.columns + k]);
    out.push_back('\n');
  }
  return fmt::to_string(out);
}

}  // namespace mdgpu
