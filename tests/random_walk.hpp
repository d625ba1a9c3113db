// Random walks with a known diffusion coefficient, held as the engine holds atoms: positions
// wrapped into a periodic (possibly triclinic) cell with image counters, so that walkers cross the
// cell boundaries and only the counters keep their true path. Walkers are "Li"; optional
// framework atoms ("P") stand still; every atom may drift at a constant velocity.
#pragma once

#include <cmath>
#include <random>

#include "core/system.hpp"

namespace mdgpu::testing {

struct WalkSpec {
  int walkers = 100;
  int framework = 0;
  int dims = 3;               // the first `dims` Cartesian axes move (x; x, y; x, y, z)
  double D = 0.5;             // Å²/ps, per moving axis: <dx²> = 2 D t
  double dt = 0.01;           // ps between samples
  Vec3 drift{0.0, 0.0, 0.0};  // Å/ps, every atom
  Mat3 cell{Vec3{10.0, 0.0, 0.0}, Vec3{0.0, 10.0, 0.0}, Vec3{0.0, 0.0, 10.0}};
  unsigned seed = 1;
};

class RandomWalk {
public:
  explicit RandomWalk(const WalkSpec& spec) : spec_(spec), rng_(spec.seed) {
    system_.box = Box(spec.cell, {true, true, true});
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int i = 0; i < spec.walkers + spec.framework; ++i) {
      const double s[3] = {u(rng_), u(rng_), u(rng_)};
      double r[3];
      box_to_cart(system_.box.data(), s, r);
      system_.add_atom(i < spec.walkers ? "Li" : "P", r[0], r[1], r[2], "random walk");
    }
    unwrapped_ = system_.positions;
  }

  const System& system() const { return system_; }
  const Vec3Array& unwrapped() const { return unwrapped_; }  // the true path, for oracles

  void step() {
    std::normal_distribution<double> gauss(0.0, std::sqrt(2.0 * spec_.D * spec_.dt));
    for (std::size_t i = 0; i < system_.size(); ++i) {
      double d[3];
      for (int k = 0; k < 3; ++k)
        d[k] = spec_.drift[k] * spec_.dt +
               (int(i) < spec_.walkers && k < spec_.dims ? gauss(rng_) : 0.0);
      double r[3] = {system_.positions.x[i] + d[0], system_.positions.y[i] + d[1],
                     system_.positions.z[i] + d[2]};
      unwrapped_.x[i] += d[0], unwrapped_.y[i] += d[1], unwrapped_.z[i] += d[2];
      // Wrap as the engine does: back into the cell, counting the crossings.
      double s[3];
      box_to_frac(system_.box.data(), r, s);
      for (int k = 0; k < 3; ++k) {
        const double n = std::floor(s[k]);
        s[k] -= n;
        system_.image[k][i] += static_cast<std::int32_t>(n);
      }
      box_to_cart(system_.box.data(), s, r);
      system_.positions.x[i] = r[0], system_.positions.y[i] = r[1], system_.positions.z[i] = r[2];
    }
  }

private:
  WalkSpec spec_;
  std::mt19937_64 rng_;
  System system_;
  Vec3Array unwrapped_;
};

}  // namespace mdgpu::testing
