// Building blocks for physics tests: a Lennard-Jones argon liquid, a plan around it, and an
// observer that records thermo samples.
#pragma once

#include <cmath>
#include <random>
#include <vector>

#include "engine/observer.hpp"
#include "io/run_plan.hpp"
#include "core/system.hpp"

namespace mdgpu::testing {

// fcc argon, cells^3 × 4 atoms at `density` g/cm³, displaced by up to `rattle` Å.
inline System argon_fcc(int cells, double density = 1.374, double rattle = 0.2, unsigned seed = 1) {
  const double mass_g = 39.95 / 6.02214076e23;
  const double a = std::cbrt(4.0 * mass_g / density) * 1e8;  // Å
  const double l = a * cells;
  System s;
  s.box = Box(Mat3{Vec3{l, 0, 0}, Vec3{0, l, 0}, Vec3{0, 0, l}}, {true, true, true});
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-rattle, rattle);
  const double basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  for (int i = 0; i < cells; ++i)
    for (int j = 0; j < cells; ++j)
      for (int k = 0; k < cells; ++k)
        for (const auto& b : basis)
          s.add_atom("Ar", (i + b[0]) * a + u(rng), (j + b[1]) * a + u(rng), (k + b[2]) * a + u(rng),
                     "argon_fcc");
  return s;
}

inline LennardJonesSpec argon_lj(double cutoff = 8.5) {
  LennardJonesSpec p;
  p.cutoff = cutoff;
  p.shift = true;
  PairCoefficients c;
  c.species_a = c.species_b = "Ar";
  c.epsilon = 0.0104;
  c.sigma = 3.40;
  p.pairs.push_back(c);
  return p;
}

// NVT at a constant `temperature`, the thermostat's time constant 100 time steps.
inline StageSpec nose_hoover_stage(double temperature, double dt, std::int64_t steps) {
  NoseHooverStage nh;
  nh.temperature = {temperature, temperature};
  nh.tdamp = 100 * dt;
  return StageSpec{"nvt", dt, steps, nh};
}

inline StageSpec langevin_stage(double temperature, double dt, std::int64_t steps) {
  LangevinStage langevin;
  langevin.temperature = {temperature, temperature};
  langevin.friction_time = 100 * dt;
  return StageSpec{"nvt", dt, steps, langevin};
}

inline StageSpec nve_stage(double dt, std::int64_t steps) {
  StageSpec s;
  s.name = "nve";
  s.timestep = dt;
  s.steps = steps;
  return s;
}

class Recorder final : public Observer {
public:
  explicit Recorder(std::vector<ThermoSample>& out, std::int64_t every = 1) : out_(out), every_(every) {}
  std::int64_t every() const override { return every_; }
  void observe(const Snapshot& s) override { out_.push_back(s.thermo()); }

private:
  std::vector<ThermoSample>& out_;
  std::int64_t every_;
};

// Mean and its standard error from `blocks` consecutive block means (correlated samples).
struct BlockStats {
  double mean, error;
};
inline BlockStats block_average(const std::vector<double>& x, int blocks = 20) {
  const std::size_t len = x.size() / blocks;
  std::vector<double> means;
  for (int b = 0; b < blocks; ++b) {
    double s = 0;
    for (std::size_t i = b * len; i < (b + 1) * len; ++i) s += x[i];
    means.push_back(s / len);
  }
  double m = 0, v = 0;
  for (double q : means) m += q;
  m /= blocks;
  for (double q : means) v += (q - m) * (q - m);
  return {m, std::sqrt(v / (blocks - 1) / blocks)};
}

}  // namespace mdgpu::testing
