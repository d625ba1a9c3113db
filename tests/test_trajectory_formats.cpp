// Trajectory writers (each frame with its own cell, as under a barostat) read back by code other
// people wrote (tests/python/check_trajectories.py:
// ASE, MDAnalysis, netCDF4): frame count, species, cell, positions (wrapped or unwrapped, with
// LAMMPS image flags), velocities, forces and per-atom energies match what mdgpu held, for an
// orthogonal cell, a triclinic cell in LAMMPS orientation and a general triclinic cell that the
// NetCDF and dump writers have to rotate.
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <zlib.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/errors.hpp"
#include "io/lammps_dump.hpp"
#include "io/netcdf_trajectory.hpp"
#include "io/trajectory.hpp"
#include "io/trajectory_formats.hpp"
#include "io/trajectory_reader.hpp"
#include "tests/json_text.hpp"
#include "tests/temp_dir.hpp"

namespace mdgpu {
namespace {

namespace fs = std::filesystem;
using testing::json_cell;
using testing::json_symbols;
using testing::json_vectors;
using testing::slurp;

struct Cell {
  const char* name;
  Mat3 rows;
};

const Cell kCells[] = {
    {"orthogonal", {Vec3{12.5, 0, 0}, Vec3{0, 13.25, 0}, Vec3{0, 0, 14.0}}},
    // LAMMPS orientation with tilts of both signs (the bounding-box header's min/max cases).
    {"triclinic", {Vec3{12.0, 0, 0}, Vec3{3.5, 11.0, 0}, Vec3{-2.25, 1.75, 13.0}}},
    {"rotated", {Vec3{9.1, 3.3, -1.2}, Vec3{-2.0, 10.4, 2.2}, Vec3{1.5, -0.7, 11.8}}},
};

// A frame's worth of what the engine holds: atoms up to a cell away from the home cell with
// image counters, fractional coordinates kept away from whole numbers (so that wrapping is
// unambiguous to any reader's arithmetic), and made-up forces and per-atom energies.
struct HeldFrame {
  System system;
  Vec3Array forces;
  std::vector<double> energies;
  ThermoSample thermo;
};

HeldFrame held_frame(const Cell& cell, int frame) {
  std::mt19937 rng(17 + frame);
  std::uniform_real_distribution<double> frac(0.05, 0.95), u(-1.0, 1.0);
  std::uniform_int_distribution<int> shift(-1, 1), image(-3, 3);
  HeldFrame f;
  // The cell changes from frame to frame, as under a barostat: every format keeps each frame's.
  Mat3 h = cell.rows;
  for (Vec3& row : h)
    for (double& x : row) x *= 1.0 + 0.02 * frame;
  h[1][0] += 0.1 * frame;
  f.system.box = Box(h, {true, true, true});
  const char* species[] = {"Li", "P", "O", "O", "Li", "N", "Li"};
  for (const char* symbol : species) {
    double s[3];
    for (double& sk : s) sk = shift(rng) + frac(rng);
    double r[3];
    for (int j = 0; j < 3; ++j) r[j] = s[0] * h[0][j] + s[1] * h[1][j] + s[2] * h[2][j];
    f.system.add_atom(symbol, r[0], r[1], r[2], "test");
  }
  const std::size_t n = f.system.size();
  f.system.has_velocities = true;
  f.forces.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (auto& im : f.system.image) im[i] = image(rng);
    f.system.velocities.x[i] = 3 * u(rng), f.system.velocities.y[i] = 3 * u(rng);
    f.system.velocities.z[i] = 3 * u(rng);
    f.forces.x[i] = u(rng), f.forces.y[i] = u(rng), f.forces.z[i] = u(rng);
    f.energies.push_back(-4.0 + u(rng));
  }
  f.thermo.step = 10 * frame;
  f.thermo.time = 0.002 * f.thermo.step;
  f.thermo.potential = -30.5 + frame;
  return f;
}

std::string json_frame(const HeldFrame& f) {
  const System& s = f.system;
  std::string images;
  for (std::size_t i = 0; i < s.size(); ++i)
    images += fmt::format("{}[{}, {}, {}]", i ? ", " : "", s.image[0][i], s.image[1][i], s.image[2][i]);
  return fmt::format(
      "{{\"step\": {}, \"time\": {}, \"cell\": {}, \"symbols\": {}, \"positions\": {}, "
      "\"images\": [{}], \"velocities\": {}, \"forces\": {}, \"energies\": [{}]}}",
      f.thermo.step, f.thermo.time, json_cell(s.box), json_symbols(s), json_vectors(s.positions),
      images, json_vectors(s.velocities), json_vectors(f.forces), fmt::join(f.energies, ", "));
}

TrajectorySpec spec(const std::string& format, Coordinates coordinates, bool float64, bool extras) {
  TrajectorySpec t;
  t.format = format == "netcdf"        ? TrajectoryFormat{NetcdfFormat{float64}}
             : format == "lammps-dump" ? TrajectoryFormat{LammpsDumpFormat{}}
                                       : TrajectoryFormat{ExtxyzFormat{}};
  t.coordinates = coordinates;
  t.velocities = t.forces = t.energies = extras;
  return t;
}

std::string_view format_name(const TrajectorySpec& t) { return kind_of(t).name; }

bool float64(const TrajectorySpec& t) {
  const auto* nc = std::get_if<NetcdfFormat>(&t.format);
  return nc && nc->float64;
}

TEST(TrajectoryFormats, OtherReadersSeeWhatMdgpuHeld) {
  if (std::system("/usr/bin/python3 -c 'import ase, MDAnalysis, netCDF4' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 lacks ase, MDAnalysis or netCDF4 (Debian python3-ase, "
                    "python3-mdanalysis, python3-netcdf4)";
  testing::TempDir dir;
  const TrajectorySpec specs[] = {
      spec("netcdf", Coordinates::Wrapped, false, true),
      spec("netcdf", Coordinates::Unwrapped, true, true),
      spec("netcdf", Coordinates::Wrapped, true, false),
      spec("lammps-dump", Coordinates::Wrapped, false, true),
      spec("lammps-dump", Coordinates::Unwrapped, false, false),
      spec("extxyz", Coordinates::Wrapped, false, true),
      spec("extxyz", Coordinates::Unwrapped, false, false),
  };
  std::string json = "{\"files\": [";
  int files = 0;
  for (const Cell& cell : kCells) {
    for (const TrajectorySpec& base : specs) {
      TrajectorySpec t = base;
      t.path = dir / fmt::format("{}-{}.{}", cell.name, files, format_name(t));
      std::vector<HeldFrame> frames;
      for (int k = 0; k < 3; ++k) frames.push_back(held_frame(cell, k));
      {
        auto writer = make_trajectory(t, 1, frames[0].system, false);
        for (const HeldFrame& f : frames) {
          const Snapshot snapshot(
              f.thermo, [&f]() -> const System& { return f.system; },
              [&f]() -> const Vec3Array& { return f.forces; },
              [&f]() -> const std::vector<double>& { return f.energies; });
          writer->observe(snapshot);
        }
      }
      std::string held;
      for (const HeldFrame& f : frames) held += (held.empty() ? "" : ", ") + json_frame(f);
      json += fmt::format(
          "{}{{\"path\": \"{}\", \"format\": \"{}\", \"unwrapped\": {}, \"float64\": {}, "
          "\"extras\": {}, \"frames\": [{}]}}",
          files++ ? ", " : "", t.path.string(), format_name(t),
          t.coordinates == Coordinates::Unwrapped, float64(t), t.velocities, held);
    }
  }
  json += "]}";
  const fs::path expected = dir.write("expected.json", json);
  const fs::path log = dir / "check.log";
  const int rc = std::system(fmt::format("/usr/bin/python3 {}/tests/python/check_trajectories.py {} > {} 2>&1",
                                         MDGPU_SOURCE_DIR, expected.string(), log.string())
                                 .c_str());
  EXPECT_EQ(rc, 0) << slurp(log);
  EXPECT_NE(slurp(log).find(fmt::format("{} files, {} frames OK", files, 3 * files)), std::string::npos)
      << slurp(log);
  // OVITO's own readers, from the project's .venv (tools/requirements.txt).
  if (!fs::exists(MDGPU_VENV_PYTHON)) {
    std::printf("OVITO check SKIPPED: no %s (tools/install_debian_deps.sh makes it)\n",
                MDGPU_VENV_PYTHON);
    return;
  }
  const fs::path ovito_log = dir / "ovito.log";
  const int ovito = std::system(fmt::format("{} {}/tests/python/check_ovito.py {} > {} 2>&1",
                                            MDGPU_VENV_PYTHON, MDGPU_SOURCE_DIR, expected.string(),
                                            ovito_log.string())
                                    .c_str());
  EXPECT_EQ(ovito, 0) << slurp(ovito_log);
  EXPECT_NE(slurp(ovito_log).find(fmt::format("OVITO: {} files, {} frames OK", files, 3 * files)),
            std::string::npos)
      << slurp(ovito_log);
}

// Fractional coordinates of r (a row vector) in the cell h: what a rotation of the frame keeps.
Vec3 fractional(const Mat3& h, const Vec3& r) {
  const Box box(h, {true, true, true});
  double s[3];
  box_to_frac(box.data(), r.data(), s);
  return Vec3{s[0], s[1], s[2]};
}

// Writes the held frames in every kind, gzip-compressing every other file, and reads them back
// with mdgpu's own readers: the same atoms, unwrapped positions, velocities, forces (eV/Å),
// energies, time and step — in the cell's own frame, so compared in fractional coordinates.
TEST(TrajectoryFormats, MdgpuReadsBackEveryKindItWrites) {
  testing::TempDir dir;
  const TrajectorySpec specs[] = {
      spec("netcdf", Coordinates::Wrapped, true, true),
      spec("netcdf", Coordinates::Unwrapped, false, true),
      spec("lammps-dump", Coordinates::Wrapped, false, true),
      spec("lammps-dump", Coordinates::Unwrapped, false, true),
      spec("extxyz", Coordinates::Wrapped, false, true),
  };
  int files = 0;
  for (const Cell& cell : kCells)
    for (const TrajectorySpec& base : specs) {
      TrajectorySpec t = base;
      t.path = dir / fmt::format("{}-{}.{}", cell.name, files++, format_name(t));
      std::vector<HeldFrame> frames;
      for (int k = 0; k < 3; ++k) frames.push_back(held_frame(cell, k));
      {
        auto writer = make_trajectory(t, 1, frames[0].system, false);
        for (const HeldFrame& f : frames)
          writer->observe(Snapshot(
              f.thermo, [&f]() -> const System& { return f.system; },
              [&f]() -> const Vec3Array& { return f.forces; },
              [&f]() -> const std::vector<double>& { return f.energies; }));
      }
      fs::path path = t.path;
      if (files % 2 == 0) {  // the same bytes, gzip-compressed
        path += ".gz";
        gzFile out = gzopen(path.c_str(), "wb");
        const std::string bytes = slurp(t.path);
        ASSERT_EQ(gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size())),
                  static_cast<int>(bytes.size()));
        gzclose(out);
      }
      const bool f32 = !float64(t) && format_name(t) == "netcdf";
      const double tol = f32 ? 1e-5 : 1e-12;
      auto reader = open_trajectory(path);
      EXPECT_EQ(reader->format(), format_name(t)) << path;
      EXPECT_EQ(reader->count_frames(), 3) << path;
      for (const HeldFrame& held : frames) {
        Frame got;
        ASSERT_TRUE(reader->next(got)) << path;
        const std::string tag = got.where;
        const System& s = got.system, &h = held.system;
        ASSERT_EQ(s.size(), h.size()) << tag;
        const Mat3& cell_held = h.box.cell();
        const Mat3& cell_read = s.box.cell();
        for (int a = 0; a < 3; ++a)  // the metric: lengths and angles
          for (int b = 0; b < 3; ++b)
            EXPECT_NEAR(dot(cell_read[a], cell_read[b]), dot(cell_held[a], cell_held[b]),
                        1e-9 * 200)
                << tag;
        const auto image = got.arrays.find("image");
        EXPECT_EQ(got.unwrapped, t.coordinates == Coordinates::Unwrapped) << tag;
        for (std::size_t i = 0; i < s.size(); ++i) {
          EXPECT_EQ(s.species[s.type[i]], h.species[h.type[i]]) << tag;
          Vec3 r{s.positions.x[i], s.positions.y[i], s.positions.z[i]};
          if (image != got.arrays.end())
            for (int k = 0; k < 3; ++k)
              for (int j = 0; j < 3; ++j) r[j] += image->second.values[3 * i + k] * cell_read[k][j];
          Vec3 unwrapped{h.positions.x[i], h.positions.y[i], h.positions.z[i]};
          for (int k = 0; k < 3; ++k)
            for (int j = 0; j < 3; ++j) unwrapped[j] += h.image[k][i] * cell_held[k][j];
          // Wrapped positions without image flags (NetCDF, extxyz): compare them folded.
          const Vec3 want = fractional(cell_held, unwrapped), have = fractional(cell_read, r);
          const bool folded = image == got.arrays.end() && !got.unwrapped;
          for (int k = 0; k < 3; ++k) {
            const double d = have[k] - want[k];
            EXPECT_NEAR(folded ? d - std::round(d) : d, 0.0, tol * 10) << tag << " atom " << i;
          }
          const Vec3 v_held = fractional(cell_held, Vec3{h.velocities.x[i], h.velocities.y[i],
                                                         h.velocities.z[i]});
          const Vec3 v_read = fractional(cell_read, Vec3{s.velocities.x[i], s.velocities.y[i],
                                                         s.velocities.z[i]});
          const auto& forces = got.arrays.at("forces").values;
          const Vec3 f_held = fractional(cell_held, Vec3{held.forces.x[i], held.forces.y[i],
                                                         held.forces.z[i]});
          const Vec3 f_read =
              fractional(cell_read, Vec3{forces[3 * i], forces[3 * i + 1], forces[3 * i + 2]});
          for (int k = 0; k < 3; ++k) {
            EXPECT_NEAR(v_read[k], v_held[k], tol * 3) << tag << " velocity of atom " << i;
            EXPECT_NEAR(f_read[k], f_held[k], tol * 3) << tag << " force of atom " << i;
          }
          EXPECT_NEAR(got.arrays.at("energies").values[i], held.energies[i], tol * 5) << tag;
        }
        EXPECT_EQ(got.info.at("step"), std::to_string(held.thermo.step)) << tag;
        if (format_name(t) != "lammps-dump")  // dumps carry no time (ITEM: TIME would upset readers)
          EXPECT_NEAR(std::stod(got.info.at("time")), held.thermo.time, 1e-7) << tag;
      }
      Frame none;
      EXPECT_FALSE(reader->next(none)) << path;
    }
}

// A LAMMPS dump as other engines write it: ITEM: TIME and UNITS, scaled or unwrapped columns in
// any order, atoms out of id order, species from --types.
TEST(TrajectoryFormats, LammpsDumpsOfOtherEngines) {
  testing::TempDir dir;
  const std::string frame =
      "ITEM: UNITS\nmetal\nITEM: TIME\n0.25\nITEM: TIMESTEP\n250\nITEM: NUMBER OF ATOMS\n2\n"
      "ITEM: BOX BOUNDS xy xz yz pp pp pp\n-1 11 2\n0 10 0\n0 10 0\n"
      "ITEM: ATOMS xsu ysu zsu type id\n0.5 1.25 0.5 2 2\n0.1 0.2 0.3 1 1\n";
  const fs::path path = dir.write("other.lammpstrj", frame);
  EXPECT_THROW(open_trajectory(path)->next(*std::make_unique<Frame>()), InputError);  // no species
  TrajectoryOptions options;
  options.type_species = {"O", "Li"};
  auto reader = open_trajectory(path, options);
  Frame f;
  ASSERT_TRUE(reader->next(f));
  EXPECT_TRUE(f.unwrapped);
  EXPECT_EQ(f.info.at("time"), "0.25");
  EXPECT_EQ(f.info.at("step"), "250");
  const System& s = f.system;
  EXPECT_EQ(s.species[s.type[0]], "O");  // id 1 first
  EXPECT_EQ(s.species[s.type[1]], "Li");
  // Bounds -1..11 with xy = 2: xlo = -1 - min(0, 2) = -1, xhi = 11 - 2 = 9, so a = (10, 0, 0).
  EXPECT_EQ(s.box.cell()[0], (Vec3{10.0, 0.0, 0.0}));
  EXPECT_EQ(s.box.cell()[1], (Vec3{2.0, 10.0, 0.0}));
  // Scaled 0.5 1.25 0.5 -> 0.5 a + 1.25 b + 0.5 c = (5 + 2.5, 12.5, 5).
  EXPECT_NEAR(s.positions.x[1], 7.5, 1e-12);
  EXPECT_NEAR(s.positions.y[1], 12.5, 1e-12);
  const fs::path garbage = dir.write("notes.txt", "hello\n");
  try {
    open_trajectory(garbage);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not a trajectory mdgpu reads (it reads extended XYZ, "
                                         "AMBER NetCDF (.nc) and LAMMPS dump text"),
              std::string::npos)
        << e.what();
  }
  const fs::path real = dir.write("real.dump", "ITEM: UNITS\nreal\n" + frame.substr(18));
  EXPECT_THROW(open_trajectory(real, options)->next(f), InputError);
}

TEST(TrajectoryFormats, TriclinicDumpHeaderIsTheLammpsBoundingBox) {
  // The LAMMPS manual's example (Howto_triclinic): xlo_bound = xlo + min(0, xy, xz, xy + xz),
  // xhi_bound = xhi + max(...), ylo_bound = ylo + min(0, yz), yhi_bound = yhi + max(0, yz).
  const HeldFrame f = held_frame(kCells[1], 0);
  const CanonicalFrame canonical(f.system.box, "test");
  TrajectoryFrame frame;
  frame.positions = frame_positions(f.system, Coordinates::Wrapped);
  const std::string text =
      lammps_dump_frame(f.system, 7, spec("lammps-dump", Coordinates::Wrapped, false, false), frame, canonical);
  EXPECT_NE(text.find("ITEM: BOX BOUNDS xy xz yz pp pp pp\n"
                      "-2.25 15.5 3.5\n"    // 0 + min(0, 3.5, -2.25, 1.25); 12 + max(...)
                      "0 12.75 -2.25\n"     // 0 + min(0, 1.75); 11 + 1.75
                      "0 13 1.75\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.rfind("ITEM: TIMESTEP\n7\nITEM: NUMBER OF ATOMS\n7\n", 0), 0u) << text;
}

TEST(TrajectoryFormats, CanonicalFrameKeepsLammpsCellsAndRotatesOthers) {
  const CanonicalFrame kept(Box(kCells[1].rows, {true, true, true}), "test");
  EXPECT_FALSE(kept.rotates());
  EXPECT_EQ(kept.cell(), kCells[1].rows);
  const Box general(kCells[2].rows, {true, true, true});
  const CanonicalFrame rotated(general, "test");
  ASSERT_TRUE(rotated.rotates());
  const Mat3& c = rotated.cell();
  EXPECT_EQ(c[0][1], 0.0);
  EXPECT_EQ(c[0][2], 0.0);
  EXPECT_EQ(c[1][2], 0.0);
  EXPECT_GT(c[0][0], 0.0);
  EXPECT_GT(c[1][1], 0.0);
  EXPECT_GT(c[2][2], 0.0);
  // A rotation keeps lengths, angles and volume (to rounding).
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(norm(c[k]), norm(kCells[2].rows[k]), 1e-13 * norm(kCells[2].rows[k]));
    for (int m = 0; m < 3; ++m)
      EXPECT_NEAR(dot(c[k], c[m]), dot(kCells[2].rows[k], kCells[2].rows[m]), 1e-12 * 150);
  }
  EXPECT_NEAR(det(c), det(kCells[2].rows), 1e-12 * det(kCells[2].rows));
  // An open system whose lattice vectors lie along the axes needs no rotation; one whose a and b
  // are missing and do not cannot be expressed.
  EXPECT_FALSE(CanonicalFrame(Box(Mat3{Vec3{10, 0, 0}, Vec3{0, 10, 0}, Vec3{}}, {true, true, false}), "t").rotates());
  EXPECT_THROW(CanonicalFrame(Box(Mat3{Vec3{6, 8, 0}, Vec3{}, Vec3{}}, {true, false, false}), "t"), InputError);
}

}  // namespace
}  // namespace mdgpu
