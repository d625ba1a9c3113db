// Extended XYZ (ASE / QUIP convention) reading and writing.
//
// Comment line: key=value pairs; values may be quoted with "", '', {} or [], a bare key means
// "T". Lattice="ax ay az bx by bz cx cy cz" gives the cell rows; pbc="T T F" the periodicity
// (default T T T with a Lattice, F F F without); Properties=name:type:columns:... the atom
// columns (default species:S:1:pos:R:3).
//
// Velocities: a `velocities:R:3` column is in Å/ps (mdgpu's unit, not ASE's). ASE stores
// velocities as `momenta:R:3` in amu·Å/t_ASE with t_ASE = Å·sqrt(amu/eV) ≈ 10.18 fs; the reader
// converts those with the `masses` column when present, else the standard atomic masses (as ASE
// does). `velocities` wins when a file has both. The writer writes both, so mdgpu reads its own
// velocities back bit for bit and ASE's Atoms.get_velocities() recovers them too.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/system.hpp"
#include "io/frame.hpp"
#include "io/text_file.hpp"

namespace mdgpu {

namespace text {
class LineReader;
}

// Frames one at a time, for trajectories too large to hold in memory.
class ExtxyzReader {
public:
  explicit ExtxyzReader(const std::filesystem::path& path);  // InputError when unreadable
  ~ExtxyzReader();
  bool next(Frame& frame);  // the next frame; false at the end of the file
  bool skip();              // passes over the next frame without parsing its atoms

private:
  std::unique_ptr<text::LineReader> in_;
};

// All frames. Throws InputError with "file:line" for anything malformed.
std::vector<Frame> read_extxyz(const std::filesystem::path& path);
// Only the first frame; the rest of the file is not read.
System read_extxyz_first(const std::filesystem::path& path);
// Frame `index` (negative: counted from the end, -1 the last); only that frame's atoms are parsed.
// InputError when the file has fewer frames.
System read_extxyz_frame(const std::filesystem::path& path, std::int64_t index);
// The numbers of info value `key` (one for energy, nine for stress / virial), nullopt when the
// frame lacks the key; InputError (frame.where) when the value is not all numbers.
std::optional<std::vector<double>> info_numbers(const Frame& frame, const std::string& key);

struct FrameExtras {
  const Vec3Array* positions = nullptr;                // Å, written instead of system.positions
  std::int64_t step = 0;
  double time = 0.0;                                   // ps, written as time=
  std::optional<double> energy;                        // potential energy (eV), written as energy=
  const Vec3Array* forces = nullptr;                   // eV/Å, written as forces:R:3
  const std::vector<double>* atom_energies = nullptr;  // eV, written as energies:R:1 (ASE's name)
  bool velocities = true;  // write velocities (and momenta) when the system has them
  // Further comment-line pairs, written key=value (quoted when the value has spaces).
  std::vector<std::pair<std::string, std::string>> info;
  // Further real per-atom columns: atom i, column c is (*values)[i * columns + c].
  struct Column {
    std::string name;
    int columns = 1;
    const std::vector<double>* values = nullptr;
  };
  std::vector<Column> columns;
};

// One frame as extxyz text. Throws std::invalid_argument when positions / forces / atom_energies
// do not match the atom count.
std::string extxyz_frame(const System& system, const FrameExtras& extras = {});

// Writes frames to one file, flushing each, so a killed run leaves whole frames behind.
class ExtxyzWriter {
public:
  using Mode = TextFile::Mode;
  // Throws InputError when the file cannot be opened.
  ExtxyzWriter(const std::filesystem::path& path, Mode mode) : file_(path, mode) {}

  // Throws as extxyz_frame, and RuntimeFailure when the write fails (disk full, ...).
  void write_frame(const System& system, const FrameExtras& extras = {}) {
    file_.write(extxyz_frame(system, extras));
  }
  const std::filesystem::path& path() const { return file_.path(); }

private:
  TextFile file_;
};

}  // namespace mdgpu
