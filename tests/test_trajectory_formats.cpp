// Trajectory writers read back by code other people wrote (tests/python/check_trajectories.py:
// ASE, MDAnalysis, netCDF4): frame count, species, cell, positions (wrapped or unwrapped, with
// LAMMPS image flags), velocities, forces and per-atom energies match what mdgpu held, for an
// orthogonal cell, a triclinic cell in LAMMPS orientation and a general triclinic cell that the
// NetCDF and dump writers have to rotate.
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/errors.hpp"
#include "io/lammps_dump.hpp"
#include "io/netcdf_trajectory.hpp"
#include "io/trajectory.hpp"
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
  f.system.box = Box(cell.rows, {true, true, true});
  const char* species[] = {"Li", "P", "O", "O", "Li", "N", "Li"};
  const Mat3& h = cell.rows;
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

TrajectorySpec spec(const char* format, Coordinates coordinates, bool float64, bool extras) {
  TrajectorySpec t;
  t.format = format;
  t.coordinates = coordinates;
  t.float64 = float64;
  t.velocities = t.forces = t.energies = extras;
  return t;
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
      t.path = dir / fmt::format("{}-{}.{}", cell.name, files, t.format);
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
          files++ ? ", " : "", t.path.string(), t.format,
          t.coordinates == Coordinates::Unwrapped, t.float64, t.velocities, held);
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
