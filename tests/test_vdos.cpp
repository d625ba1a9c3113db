// The vibrational density of states against two oracles that do not use it:
//  - the analytic spectrum of a harmonic chain, whose normal modes (ω_j = ω_max |sin(π j / N)|,
//    equal energy each) give the velocities exactly: g(ν) = 2 / (π sqrt(ν_max² - ν²));
//  - for fcc Lennard-Jones argon near 0 K, the phonon frequencies of the same supercell from
//    finite-difference force constants of mdgpu's own forces, against the spectrum of an MD run
//    sampled on the fly by [analysis.vdos].
#include <cmath>
#include <cstdio>
#include <random>

#include <gtest/gtest.h>

#include "analysis/vacf.hpp"
#include "analysis/vdos.hpp"
#include "core/units.hpp"
#include "engine/atoms.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/velocities.hpp"
#include "model/pair_potential.hpp"
#include "tests/analysis_run.hpp"
#include "tests/csv.hpp"
#include "tests/md_fixture.hpp"
#include "tests/temp_dir.hpp"

namespace mdgpu {
namespace {

// ∫_0^ν g over the spectrum (trapezoid rule, linear inside the last interval).
double cumulative(const Spectrum& s, double nu) {
  double sum = 0.0;
  for (std::size_t j = 1; j < s.frequency.size() && s.frequency[j - 1] < nu; ++j) {
    const double hi = std::min(nu, s.frequency[j]),
                 f = (hi - s.frequency[j - 1]) / (s.frequency[j] - s.frequency[j - 1]);
    const double g_hi = s.density[j - 1] + f * (s.density[j] - s.density[j - 1]);
    sum += 0.5 * (s.density[j - 1] + g_hi) * (hi - s.frequency[j - 1]);
  }
  return sum;
}

// Mean frequency of the spectrum below `band` (where the modes are; above it the VACF's finite
// sampling leaves a low noise floor that a moment would weigh by ν).
double band_mean(const Spectrum& s, double band) {
  double weight = 0.0, first = 0.0;
  for (std::size_t j = 1; j < s.frequency.size() && s.frequency[j] <= band; ++j) {
    const double d = s.frequency[j] - s.frequency[j - 1];
    weight += 0.5 * (s.density[j] + s.density[j - 1]) * d;
    first += 0.5 * (s.frequency[j] * s.density[j] + s.frequency[j - 1] * s.density[j - 1]) * d;
  }
  return first / weight;
}

TEST(Vdos, HarmonicChainHasItsAnalyticSpectrum) {
  constexpr int kAtoms = 128, kSamples = 2000;
  const double nu_max = 2.0, dt = 0.02;  // THz, ps
  std::mt19937 rng(4);
  std::uniform_real_distribution<double> phase(0.0, 2.0 * M_PI);
  std::vector<double> omega, phi;
  for (int j = 1; j < kAtoms; ++j) {  // j = 0 is the translation
    omega.push_back(2.0 * M_PI * nu_max * std::fabs(std::sin(M_PI * j / kAtoms)));
    phi.push_back(phase(rng));
  }
  System s;
  s.box = Box(Mat3{Vec3{kAtoms * 3.0, 0, 0}, Vec3{0, 20, 0}, Vec3{0, 0, 20}}, {true, true, true});
  for (int n = 0; n < kAtoms; ++n) s.add_atom("Ar", 3.0 * n, 0.0, 0.0, "chain");
  s.has_velocities = true;
  VacfSetup setup;
  setup.species = {"Ar"};
  setup.group_of_type = {0};
  setup.sample_interval = dt;
  setup.max_lag = 500;  // 10 ps: resolution 0.1 THz
  setup.origin_every = 25;
  VacfAccumulator acc(setup);
  for (int k = 0; k < kSamples; ++k) {
    for (int n = 0; n < kAtoms; ++n) {
      double v = 0.0;  // equal velocity amplitude, so equal kinetic energy, in every mode
      for (std::size_t j = 0; j < omega.size(); ++j)
        v += std::cos(2.0 * M_PI * (j + 1) * n / kAtoms + phi[j] - omega[j] * k * dt);
      s.velocities.x[n] = v;
    }
    acc.add_sample(s);
  }
  std::vector<double> vacf;
  for (int lag = 0; lag <= setup.max_lag; ++lag) vacf.push_back(acc.vacf(lag, 0));
  const Spectrum g = vibrational_dos(vacf, dt);
  EXPECT_NEAR(g.frequency.back(), 1.0 / (2.0 * dt), 1e-12);  // Nyquist
  EXPECT_NEAR(spectral_moment(g, 0), 1.0, 2e-3);
  EXPECT_GT(cumulative(g, 1.2 * nu_max), 0.98);  // all in the band
  // Mean frequency of the chain: 2 ν_max / π (continuum; the 127 modes differ by < 0.5 %).
  EXPECT_NEAR(band_mean(g, 1.2 * nu_max), 2.0 * nu_max / M_PI, 0.02);
  for (double nu : {0.5, 1.0, 1.5, 1.9}) {
    const double want = 2.0 / M_PI * std::asin(nu / nu_max);
    std::printf("chain: fraction of modes below %.1f THz %.4f (analytic %.4f)\n", nu,
                cumulative(g, nu), want);
    EXPECT_NEAR(cumulative(g, nu), want, 0.03) << nu;  // 127 discrete modes, 0.1 THz resolution
  }
}

// Symmetric eigenvalues by cyclic Jacobi rotations (a few hundred rows: fast enough).
std::vector<double> eigenvalues(std::vector<double> a, int n) {
  for (int sweep = 0; sweep < 50; ++sweep) {
    double off = 0.0;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) off += a[p * n + q] * a[p * n + q];
    if (off < 1e-22) break;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) {
        const double apq = a[p * n + q];
        if (std::fabs(apq) < 1e-300) continue;
        const double theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
        const double t =
            (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1.0 / std::sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; ++k) {  // columns p, q
          const double akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq, a[k * n + q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; ++k) {  // rows p, q
          const double apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk, a[q * n + k] = s * apk + c * aqk;
        }
      }
  }
  std::vector<double> out;
  for (int k = 0; k < n; ++k) out.push_back(a[k * n + k]);
  std::sort(out.begin(), out.end());
  return out;
}

// Phonon frequencies (THz) of the perfect crystal `s` from central differences of mdgpu's forces.
std::vector<double> phonon_frequencies(const System& s, const LennardJonesSpec& spec) {
  auto backend = make_backend("cpu", 1);
  const int n = static_cast<int>(s.size()), dof = 3 * n;
  const double h = 1e-3;  // Å
  std::vector<double> hessian(static_cast<std::size_t>(dof) * dof);
  for (int i = 0; i < n; ++i)
    for (int a = 0; a < 3; ++a) {
      Vec3Array f[2];
      for (int side = 0; side < 2; ++side) {
        System d = s;
        (a == 0 ? d.positions.x : a == 1 ? d.positions.y : d.positions.z)[i] += side ? h : -h;
        PairPotential pot(spec, d, *backend);
        Atoms atoms(backend->space(), d);
        NeighborList list(*backend, pot.cutoff(), 0.0);
        list.update(atoms.view(), d.box, true);
        pot.compute(atoms.view(), list.view(), d.box, nullptr);
        atoms.download_forces(f[side]);
      }
      for (int j = 0; j < n; ++j) {
        const double df[3] = {f[1].x[j] - f[0].x[j], f[1].y[j] - f[0].y[j], f[1].z[j] - f[0].z[j]};
        for (int b = 0; b < 3; ++b)  // D = Φ / m, Φ = -dF/du
          hessian[(3 * j + b) * dof + 3 * i + a] = -df[b] / (2 * h) / s.mass(i);
      }
    }
  for (int p = 0; p < dof; ++p)  // symmetrise the finite-difference rounding
    for (int q = p + 1; q < dof; ++q)
      hessian[p * dof + q] = hessian[q * dof + p] =
          0.5 * (hessian[p * dof + q] + hessian[q * dof + p]);
  std::vector<double> nu;
  for (double lambda : eigenvalues(hessian, dof))  // eV/(Å² amu) -> (rad/ps)²
    nu.push_back(std::sqrt(std::max(0.0, lambda * units::kFtm2v)) / (2 * M_PI));
  return nu;
}

TEST(Vdos, CrystalArgonMatchesFiniteDifferencePhonons) {
  testing::TempDir dir;
  const System crystal = testing::argon_fcc(3, 1.80, 0.0);  // 108 atoms, a = 5.32 Å
  LennardJonesSpec lj = testing::argon_lj(8.5);
  const std::vector<double> nu = phonon_frequencies(crystal, lj);
  ASSERT_EQ(nu.size(), 324u);
  EXPECT_LT(nu[2], 1e-3);  // three translations
  std::vector<double> modes(nu.begin() + 3, nu.end());
  double mean = 0.0;
  for (double v : modes) mean += v / modes.size();

  // MD near the crystal at 4 K: a weak Langevin thermostat shares the energy among the modes
  // (a harmonic crystal alone would keep the random energies it started with).
  RunPlan plan;
  plan.potential = lj;
  plan.neighbor_skin = 1.0;
  StageSpec settle = testing::langevin_stage(4.0, 0.005, 2000);
  settle.name = "settle";
  StageSpec prod = testing::langevin_stage(4.0, 0.005, 12000);
  prod.name = "prod";
  std::get<LangevinStage>(prod.kind).friction_time = 5.0;  // broadens each mode by γ / 2π = 0.03 THz
  plan.stages = {settle, prod};
  VdosSpec v;
  v.common.every = 2;
  v.common.stages = {"prod"};
  v.common.path = (dir / "vdos").string();
  v.max_lag = 10.0;
  plan.analyses = {v};
  System s = crystal;
  maxwell_boltzmann(s, 4.0, 11, 3 * static_cast<int>(s.size()) - 3);
  testing::run_with_analyses(plan, s,
                             [](const std::string& line) { std::printf("%s\n", line.c_str()); });

  const testing::CsvTable t = testing::read_csv_table((dir / "vdos_prod.csv").string());
  Spectrum g;
  for (std::size_t k = 0; k < t.rows.size(); ++k) {
    g.frequency.push_back(t.number(k, "frequency_THz"));
    g.density.push_back(t.number(k, "g_Ar_per_THz"));
    EXPECT_NEAR(t.number(k, "wavenumber_cm-1"), g.frequency.back() * 33.35641,
                1e-4 * (1 + g.frequency.back()));
  }
  const double band = 1.5 * modes.back();  // the spectrum's weight lies in the phonon band
  const double md_mean = band_mean(g, band);
  std::printf(
      "argon: mean frequency from MD %.4f THz, from the force constants %.4f THz; MD "
      "weight below %.2f THz %.4f\n",
      md_mean, mean, band, cumulative(g, band));
  EXPECT_NEAR(md_mean, mean, 0.02 * mean);
  EXPECT_GT(cumulative(g, band), 0.97);
  for (double q : {0.1, 0.25, 0.5, 0.75, 0.9}) {
    const double at = modes[static_cast<std::size_t>(q * (modes.size() - 1))];
    std::printf("  fraction of modes below %.3f THz: MD %.3f, force constants %.3f\n", at,
                cumulative(g, at), q);
    EXPECT_NEAR(cumulative(g, at), q, 0.06) << at;
  }
}

}  // namespace
}  // namespace mdgpu
