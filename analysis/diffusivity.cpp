#include "analysis/diffusivity.hpp"

#include <fmt/format.h>

#include "analysis/linear_fit.hpp"
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
  r.last_lag = last;
  if (s.first_lag) {
    r.first_lag = *s.first_lag;
  } else {
    for (int lag = 1; lag <= last && r.first_lag < 0; ++lag)
      if (total.msd(lag, group, kMsdTotal) > s.threshold) r.first_lag = lag;
    if (r.first_lag < 0) {
      r.note = fmt::format(
          "no D: the MSD stays below 0.5 a² = {:.4g} Å² up to the max lag ({:.4g} ps): "
          "not diffusive on this time scale",
          s.threshold, last * s.sample_interval);
      return r;
    }
  }
  const int points = last - r.first_lag + 1;
  if (points < kMinFitPoints) {
    r.note = fmt::format(
        "no D: too few points for a fit ({} lags from {:.4g} ps to the max lag "
        "{:.4g} ps; at least {} needed)",
        std::max(points, 0), r.first_lag * s.sample_interval, last * s.sample_interval,
        kMinFitPoints);
    return r;
  }
  if (total.pairs[total.at(last, group)] == 0) {
    r.note = "no D: the group had no atoms at any time origin";
    return r;
  }
  int usable_blocks = 0;
  for (int c = 0; c < kMsdComponents; ++c) {
    ComponentDiffusivity& cd = r.components[c];
    cd.D = fit_slope(total, group, c, r.first_lag, last, s.sample_interval);
    cd.loglog_slope = loglog_slope(total, group, c, r.first_lag, last);
    cd.linear = std::fabs(cd.loglog_slope - 1.0) <= kLinearTolerance;
    std::vector<double> finite;
    for (const MsdTable& b : blocks) {
      cd.block_D.push_back(fit_slope(b, group, c, r.first_lag, last, s.sample_interval));
      if (std::isfinite(cd.block_D.back())) finite.push_back(cd.block_D.back());
    }
    usable_blocks = static_cast<int>(finite.size());
    if (usable_blocks >= 2) {
      double mean = 0.0, var = 0.0;
      for (double d : finite) mean += d / usable_blocks;
      for (double d : finite) var += (d - mean) * (d - mean) / (usable_blocks - 1);
      cd.error = std::sqrt(var / usable_blocks);
    }
  }
  if (usable_blocks < 2)
    r.note =
        fmt::format("no error of D: only {} block(s) hold every lag of the fit window (2 needed)",
                    usable_blocks);
  return r;
}

void add_conductivity(GroupDiffusivity& r, double atoms, double volume, double charge,
                      double temperature) {
  r.atoms = atoms, r.volume = volume, r.charge = charge, r.temperature = temperature;
  for (ComponentDiffusivity& c : r.components) {
    c.sigma = nernst_einstein(atoms, volume, charge, c.D, temperature);
    c.sigma_error = c.sigma * c.error / c.D;
  }
}

}  // namespace mdgpu
