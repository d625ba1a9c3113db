#include "io/lammps_dump.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

namespace mdgpu {
namespace {

// Axes without a lattice vector (open, shrink-wrapped) span the atoms.
void atom_extent(const Vec3Array& r, int axis, double& lo, double& hi) {
  const std::vector<double>& c = axis == 0 ? r.x : axis == 1 ? r.y : r.z;
  lo = c.empty() ? 0.0 : *std::min_element(c.begin(), c.end());
  hi = c.empty() ? 0.0 : *std::max_element(c.begin(), c.end());
}

}  // namespace

std::string lammps_dump_frame(const System& system, std::int64_t step, const TrajectorySpec& spec,
                              const TrajectoryFrame& frame, const CanonicalFrame& canonical) {
  const std::size_t n = system.size();
  const Mat3& h = canonical.cell();
  fmt::memory_buffer out;
  const auto it = std::back_inserter(out);
  fmt::format_to(it, "ITEM: TIMESTEP\n{}\nITEM: NUMBER OF ATOMS\n{}\n", step, n);

  double lo[3], hi[3];
  const char* flags[3];
  for (int k = 0; k < 3; ++k) {
    const bool given = h[k][0] != 0.0 || h[k][1] != 0.0 || h[k][2] != 0.0;
    flags[k] = system.box.periodic()[k] ? "pp" : given ? "ff" : "ss";
    if (given) lo[k] = 0.0, hi[k] = h[k][k];
    else atom_extent(frame.positions.r, k, lo[k], hi[k]);
  }
  const double xy = h[1][0], xz = h[2][0], yz = h[2][1];
  if (xy == 0.0 && xz == 0.0 && yz == 0.0) {
    fmt::format_to(it, "ITEM: BOX BOUNDS {} {} {}\n", flags[0], flags[1], flags[2]);
    for (int k = 0; k < 3; ++k) fmt::format_to(it, "{} {}\n", lo[k], hi[k]);
  } else {
    // The bounding box of the tilted cell, from which readers recover xlo/xhi by undoing the
    // tilt (LAMMPS manual, Howto_triclinic).
    fmt::format_to(it, "ITEM: BOX BOUNDS xy xz yz {} {} {}\n", flags[0], flags[1], flags[2]);
    fmt::format_to(it, "{} {} {}\n", lo[0] + std::min({0.0, xy, xz, xy + xz}),
                   hi[0] + std::max({0.0, xy, xz, xy + xz}), xy);
    fmt::format_to(it, "{} {} {}\n", lo[1] + std::min(0.0, yz), hi[1] + std::max(0.0, yz), xz);
    fmt::format_to(it, "{} {} {}\n", lo[2], hi[2], yz);
  }

  const bool wrapped = spec.coordinates == Coordinates::Wrapped;
  fmt::format_to(it, "ITEM: ATOMS id type element {}{}{}{}{}\n",
                 wrapped ? "x y z ix iy iz" : "xu yu zu", spec.velocities ? " vx vy vz" : "",
                 spec.forces ? " fx fy fz" : "", spec.energies ? " c_epot" : "",
                 spec.force_dev ? " c_force_dev" : "");
  const Vec3Array& r = frame.positions.r;
  for (std::size_t i = 0; i < n; ++i) {
    // "{}": the shortest text that reads back as the same double.
    fmt::format_to(it, "{} {} {} {} {} {}", i + 1, system.type[i] + 1,
                   system.species[system.type[i]], r.x[i], r.y[i], r.z[i]);
    if (wrapped)
      fmt::format_to(it, " {} {} {}", frame.positions.image[0][i], frame.positions.image[1][i],
                     frame.positions.image[2][i]);
    for (const Vec3Array* v : {spec.velocities ? &frame.velocities : nullptr,
                               spec.forces ? &frame.forces : nullptr})
      if (v) fmt::format_to(it, " {} {} {}", v->x[i], v->y[i], v->z[i]);
    if (spec.energies) fmt::format_to(it, " {}", frame.energies[i]);
    if (spec.force_dev) fmt::format_to(it, " {}", frame.force_dev[i]);
    out.push_back('\n');
  }
  return fmt::to_string(out);
}

LammpsDumpTrajectory::LammpsDumpTrajectory(const TrajectorySpec& spec, std::string key, bool resume)
    : TextOutput(std::move(key), spec.path, resume), spec_(spec) {}

void LammpsDumpTrajectory::observe(const Snapshot& snapshot) {
  const System& system = snapshot.system();
  const CanonicalFrame canonical(system.box, path().string());
  const TrajectoryFrame frame = gather_frame(snapshot, spec_, &canonical);
  file().write(lammps_dump_frame(system, snapshot.thermo().step, spec_, frame, canonical));
}

}  // namespace mdgpu
