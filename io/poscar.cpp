#include "io/poscar.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/units.hpp"
#include "io/text_lines.hpp"

namespace mdgpu {
namespace {

using text::LineReader;

std::string expect_line(LineReader& in, const std::string& what) {
  std::string line;
  if (!in.next(line))
    throw InputError(in.where(in.line_number() + 1), fmt::format("the file ends before {}", what));
  return line;
}

// The first three tokens as finite numbers; later tokens (selective-dynamics flags, element
// labels some tools append) are ignored.
Vec3 three_numbers(const LineReader& in, const std::string& line, const std::string& what) {
  const auto tokens = text::split(line);
  if (tokens.size() < 3)
    throw InputError(in.where(), fmt::format("{}: expected 3 numbers, found '{}'", what, line));
  const std::string where = in.where();
  return {text::to_finite(tokens[0], where, what), text::to_finite(tokens[1], where, what),
          text::to_finite(tokens[2], where, what)};
}

char first_char(const std::string& line) {
  const auto tokens = text::split(line);
  return tokens.empty() ? '\0' : tokens[0][0];
}

bool is_cartesian(char c) { return c == 'C' || c == 'c' || c == 'K' || c == 'k'; }
bool starts_number(char c) { return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.'; }

// VASP 6 may write POTCAR labels such as "Li_sv" or "O/1a2b3c4d" on the species line.
std::string element_of(std::string_view label) {
  return std::string(label.substr(0, label.find_first_of("_/")));
}

// Per-axis factors for the Cartesian components of the lattice rows (and Cartesian positions).
Vec3 read_scale(LineReader& in, const Mat3& raw_lattice, const std::string& line,
                std::size_t line_number) {
  const std::string where = in.where(line_number);
  const auto tokens = text::split(line);
  if (tokens.size() == 3) {
    Vec3 s;
    for (int k = 0; k < 3; ++k) {
      s[k] = text::to_finite(tokens[k], where, "scale factor");
      if (!(s[k] > 0)) throw InputError(where, "three scale factors must all be positive");
    }
    return s;
  }
  if (tokens.size() != 1)
    throw InputError(where, fmt::format("expected one or three scale factors, found '{}'", line));
  const double s = text::to_finite(tokens[0], where, "scale factor");
  if (s == 0) throw InputError(where, "the scale factor is zero");
  if (s > 0) return {s, s, s};
  // Negative: the target cell volume.
  const double v0 = std::fabs(det(raw_lattice));
  if (!(v0 > 0)) throw InputError(where, "cannot scale a zero-volume cell to a target volume");
  const double f = std::cbrt(-s / v0);
  return {f, f, f};
}

// Optional block after the positions: a mode line (blank in CONTCARs, or Cartesian) followed
// by one velocity per atom in Å/fs. A predictor-corrector block after it is ignored.
void read_velocities(LineReader& in, System& sys) {
  const auto no_lattice_velocities = [&](const std::string& line) {
    if (first_char(line) == 'L' || first_char(line) == 'l')
      throw InputError(in.where(), "lattice velocities (a variable-cell MD restart) are not "
                                   "supported; delete that block");
  };
  std::string line;
  if (!in.next(line)) return;
  no_lattice_velocities(line);
  const char mode = first_char(line);
  if (starts_number(mode))
    throw InputError(in.where(), fmt::format("more coordinate lines than the {} atoms the counts "
                                             "line declares", sys.size()));
  if (mode != '\0' && !is_cartesian(mode))
    throw InputError(in.where(), "direct velocities (fractions of the cell per time step) are not "
                                 "supported; give Cartesian velocities in Å/fs");
  const double to_a_per_ps = 1.0 / units::kFsToPs;
  bool have = in.next(line);
  while (have && mode == '\0' && text::is_blank(line)) have = in.next(line);
  if (!have && mode == '\0') return;  // only trailing blank lines: no velocities
  if (have) no_lattice_velocities(line);
  bool any_nonzero = false;
  for (std::size_t i = 0; i < sys.size(); ++i) {
    if (i > 0) have = in.next(line);
    if (!have)
      throw InputError(in.where(in.line_number() + 1),
                       fmt::format("the velocity block ends after {} of {} atoms", i, sys.size()));
    const Vec3 v = three_numbers(in, line, "velocity");
    sys.velocities.x[i] = v[0] * to_a_per_ps;
    sys.velocities.y[i] = v[1] * to_a_per_ps;
    sys.velocities.z[i] = v[2] * to_a_per_ps;
    any_nonzero = any_nonzero || v[0] != 0 || v[1] != 0 || v[2] != 0;
  }
  // Relaxation CONTCARs carry all-zero velocities; they should not pin a run to 0 K.
  sys.has_velocities = any_nonzero;
}

}  // namespace

System read_poscar(const std::filesystem::path& path) {
  LineReader in(path);
  std::string line;
  if (!in.next(line)) throw InputError(in.where(1), "the file is empty");  // the comment line

  const std::string scale_line = expect_line(in, "the scale factor line");
  const std::size_t scale_line_number = in.line_number();
  Mat3 h;
  for (int k = 0; k < 3; ++k)
    h[k] = three_numbers(in, expect_line(in, "the three lattice vectors"), "lattice vector");
  const std::string lattice_where = in.where(scale_line_number + 1);
  const Vec3 scale = read_scale(in, h, scale_line, scale_line_number);
  for (auto& row : h)
    for (int j = 0; j < 3; ++j) row[j] *= scale[j];

  const std::string symbols = expect_line(in, "the element symbols line");
  const auto labels = text::split(symbols);
  if (labels.empty()) throw InputError(in.where(), "expected element symbols, found a blank line");
  if (std::all_of(labels.begin(), labels.end(), text::is_integer))
    throw InputError(in.where(), "this line holds atom counts, not element symbols: a VASP 4 "
                                 "POSCAR. Add a line with the element symbols (e.g. 'Li P O') "
                                 "above the counts, as VASP 5 writes it");
  const std::size_t symbols_line = in.line_number();
  const std::string count_line = expect_line(in, "the atom counts line");
  const auto count_tokens = text::split(count_line);
  if (count_tokens.size() != labels.size())
    throw InputError(in.where(), fmt::format("expected {} atom counts (one per element on line "
                                             "{}), found {}",
                                             labels.size(), symbols_line, count_tokens.size()));
  std::vector<long long> counts;
  for (const auto token : count_tokens) {
    counts.push_back(text::to_integer(token, in.where(), "atom count"));
    if (counts.back() < 0) throw InputError(in.where(), "atom counts must not be negative");
  }

  line = expect_line(in, "the 'Direct' or 'Cartesian' line");
  if (first_char(line) == 'S' || first_char(line) == 's')  // Selective dynamics
    line = expect_line(in, "the 'Direct' or 'Cartesian' line");
  const char mode = first_char(line);
  if (mode == '\0' || starts_number(mode))
    throw InputError(in.where(), fmt::format("expected 'Direct' or 'Cartesian', found '{}'",
                                             line));
  const bool cartesian = is_cartesian(mode);

  System sys;
  sys.box = Box(h, {true, true, true}, lattice_where);
  for (const auto label : labels) sys.species_index(element_of(label), in.where(symbols_line));
  for (std::size_t k = 0; k < labels.size(); ++k)
    for (long long a = 0; a < counts[k]; ++a) {
      line = expect_line(in, fmt::format("the position of atom {}", sys.size() + 1));
      const Vec3 p = three_numbers(in, line, "position");
      Vec3 r;
      for (int j = 0; j < 3; ++j)
        r[j] = cartesian ? p[j] * scale[j] : p[0] * h[0][j] + p[1] * h[1][j] + p[2] * h[2][j];
      sys.add_atom(element_of(labels[k]), r[0], r[1], r[2], in.where());
    }
  if (sys.size() == 0) throw InputError(in.where(symbols_line + 1), "the atom counts sum to zero");
  read_velocities(in, sys);
  return sys;
}

}  // namespace mdgpu
