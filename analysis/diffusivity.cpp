#include "analysis/diffusivity.hpp"

#include <fmt/format.h>

#include "analysis/linear_fit.hpp"
#include "analysis/student_t.hpp"
#include "core/units.hpp"

namespace mdgpu {
namespace {

// Slope/(2d) of the straight line through MSD(lag) over the window; NaN when a lag has no pairs.
double fit_slope(const MsdTable& t, int group, int component, int first, int last, double dt) {
  std::vector<double> x, y;
  for (int lag = first; lag <= last; ++lag) {
    const double m = t.msd(lag, group, component);
    if (!std::isfinite(m)) return NAN;
    x.push_back(lag * dt);
    y.push_back(m);
  }
  return fit_line(x, y).slope / (2.0 * kMsdDimensions[component]);
}

double loglog_slope(const MsdTable& t, int group, int component, int first, int last) {
  std::vector<double> x, y;
  for (int lag = first; lag <= last; ++lag) {
    const double m = t.msd(lag, group, component);
    if (!(m > 0)) return NAN;
    x.push_back(std::log(static_cast<double>(lag)));
    y.push_back(std::log(m));
  }
  return fit_line(x, y).slope;
}

struct Spread {
  double mean = NAN, standard_error = NAN;
  int n = 0;
};

Spread spread(const std::vector<double>& values) {
  Spread s;
  double sum = 0.0;
  for (double v : values)
    if (std::isfinite(v)) sum += v, ++s.n;
  if (s.n == 0) return s;
  s.mean = sum / s.n;
  if (s.n < 2) return s;
  double var = 0.0;
  for (double v : values)
    if (std::isfinite(v)) var += (v - s.mean) * (v - s.mean) / (s.n - 1);
  s.standard_error = std::sqrt(var / s.n);
  return s;
}

// The run that holds a window from `start` to twice `start` (ps) in each block, with the
// default origin spacing of a twentieth of the max lag.
std::string run_advice(double start, const FitSettings& s) {
  const double max_lag = std::max(2.0 * start, start + (kMinFitPoints - 1) * s.sample_interval);
  return fmt::format(
      "a run of about {:.3g} ps ({} blocks, each longer than a {:.3g} ps max lag) "
      "would hold a fit window from {:.3g} to {:.3g} ps",
      s.blocks * max_lag * 1.05, s.blocks, max_lag, start, max_lag);
}

}  // namespace

double nernst_einstein(double atoms, double volume, double charge, double D, double temperature) {
  // e² Å²/ps / (Å³ eV) = e C · 1e-8 m²/s / (1e-30 m³) = e · 1e22 S/m = e · 1e20 S/cm.
  return atoms * charge * charge * D / (volume * units::kBoltzmann * temperature) *
         units::kElementaryCharge * 1e20;
}

GroupDiffusivity fit_diffusivity(const MsdTable& total, const std::vector<MsdTable>& blocks,
                                 int group, const FitSettings& s) {
  GroupDiffusivity r;
  r.threshold = s.threshold;
  const int last = total.lags - 1;
  const double dt = s.sample_interval;
  int first = -1;
  if (s.first_lag) {
    first = *s.first_lag;
  } else {
    for (int lag = 1; lag <= last && first < 0; ++lag)
      if (total.msd(lag, group, kMsdTotal) > s.threshold) first = lag;
    if (first < 0) {
      r.note = fmt::format(
          "no D: the MSD stays below 0.5 a² = {:.4g} Å² up to the max lag ({:.4g} ps): "
          "not diffusive on this time scale",
          s.threshold, last * dt);
      // Where the MSD would cross the threshold if it kept growing as it does at the end.
      const double alpha = loglog_slope(total, group, kMsdTotal, std::max(1, last / 2), last);
      const double end = total.msd(last, group, kMsdTotal);
      if (alpha > 0.2 && end > 0)
        r.advice = fmt::format(
            "the MSD grows as t^{:.2f} at the max lag and would reach 0.5 a² "
            "near {:.3g} ps: {}",
            alpha, last * dt * std::pow(s.threshold / end, 1.0 / alpha),
            run_advice(last * dt * std::pow(s.threshold / end, 1.0 / alpha), s));
      else if (std::isfinite(alpha))
        r.advice = fmt::format(
            "the MSD is flat at the max lag (log-log slope {:.2f}): caged, or "
            "far from diffusion; no run length follows from it",
            alpha);
      return r;
    }
  }
  const int points = last - first + 1;
  if (points < kMinFitPoints) {
    r.note = fmt::format(
        "no D: too few points for a fit ({} lags from {:.4g} ps to the max lag "
        "{:.4g} ps; at least {} needed)",
        std::max(points, 0), first * dt, last * dt, kMinFitPoints);
    r.advice = run_advice(first * dt, s);
    return r;
  }
  if (total.pairs[total.at(last, group)] == 0) {
    r.note = "no D: the group had no atoms at any time origin";
    return r;
  }
  r.first_lag = first, r.last_lag = last;
  if (last < 2 * first)
    r.advice = "the fit window is shorter than its start: " + run_advice(first * dt, s);
  // The window's halves share their middle lag; each needs a fit of its own.
  const int middle = (first + last) / 2;
  const bool halves = middle - first + 1 >= kMinFitPoints && last - middle + 1 >= kMinFitPoints;
  for (int c = 0; c < kMsdComponents; ++c) {
    ComponentDiffusivity& cd = r.components[c];
    std::vector<double> early, late, change;
    for (const MsdTable& b : blocks) {
      cd.block_D.push_back(fit_slope(b, group, c, first, last, dt));
      if (!halves) continue;
      early.push_back(fit_slope(b, group, c, first, middle, dt));
      late.push_back(fit_slope(b, group, c, middle, last, dt));
      change.push_back(late.back() - early.back());
    }
    const Spread d = spread(cd.block_D);
    r.blocks_used = d.n;
    cd.D = d.mean;
    if (d.n >= 2) cd.error = one_sigma_factor(d.n - 1) * d.standard_error;
    cd.loglog_slope = loglog_slope(total, group, c, first, last);
    cd.linear = std::fabs(cd.loglog_slope - 1.0) <= kLinearTolerance;
    const Spread delta = spread(change);
    if (halves && delta.n >= 2) {
      cd.D_early = spread(early).mean, cd.D_late = spread(late).mean;
      // Half the change of D across the window, less the part the blocks' noise explains:
      // E[mean²] = change² + standard error², so this estimates |change| / 2 without bias in its
      // square, and is zero for a process that does not depend on the window.
      cd.window_error =
          0.5 * std::sqrt(std::max(
                    0.0, delta.mean * delta.mean - delta.standard_error * delta.standard_error));
    }
  }
  if (r.blocks_used < 2)
    r.note =
        fmt::format("no error of D: only {} block(s) hold every lag of the fit window (2 needed)",
                    r.blocks_used);
  return r;
}

void add_conductivity(GroupDiffusivity& r, double atoms, double volume, double charge,
                      double temperature) {
  r.atoms = atoms, r.volume = volume, r.charge = charge, r.temperature = temperature;
  for (ComponentDiffusivity& c : r.components) {
    c.sigma = nernst_einstein(atoms, volume, charge, c.D, temperature);
    c.sigma_error = c.sigma * c.total_error() / c.D;
  }
}

}  // namespace mdgpu
