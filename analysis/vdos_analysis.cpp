// [analysis.vdos] / `mdgpu analyze vdos`: the velocity autocorrelation per species
// (analysis/vacf.hpp) and its spectrum (analysis/vdos.hpp), written as <prefix>_vacf.csv,
// <prefix>.csv (per species and the kinetic-energy-weighted total) and <prefix>.h5.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/frame_analysis.hpp"
#include "analysis/output_files.hpp"
#include "analysis/time_origins.hpp"
#include "analysis/vacf.hpp"
#include "analysis/vdos.hpp"
#include "core/errors.hpp"
#include "core/hdf5_file.hpp"

namespace mdgpu {
namespace {

constexpr int kMinVacfLags = 8;
constexpr double kDefaultMaxLagPs = 2.0;
const char* const kWindow = "half Hann, w(t) = cos^2(pi t / (2 max_lag))";

VacfSetup resolve(const VdosSpec& spec, const System& system, const Stretch& st) {
  const AnalysisCommon& c = spec.common;
  VacfSetup s;
  s.species = spec.species.empty() ? system.species : spec.species;
  s.group_of_type.assign(system.species.size(), -1);
  for (std::size_t g = 0; g < s.species.size(); ++g)
    s.group_of_type[species_type(system, s.species[g], c.at("species"))] = static_cast<int>(g);
  const double dt = st.sample_interval;
  s.sample_interval = dt;
  const double duration = (st.samples - 1) * dt;
  const double max_lag = spec.max_lag.value_or(std::min(kDefaultMaxLagPs, duration / 4));
  s.max_lag = st.intervals(max_lag);
  if (s.max_lag < kMinVacfLags || s.max_lag >= st.samples)
    throw InputError(c.at(spec.max_lag ? "max_lag_ps" : "every"),
                     fmt::format("the max lag ({:.6g} ps) must span at least {} sampling intervals "
                                 "and fit in '{}' ({:.6g} ps sampled every {:.6g} ps)",
                                 max_lag, kMinVacfLags, st.label, duration, dt));
  s.origin_every = spec.origin_every ? st.intervals(*spec.origin_every) : std::max(1, s.max_lag / 20);
  if (s.origin_every < 1)
    throw InputError(c.at("origin_every_ps"), "shorter than the sampling interval");
  const auto tracked = std::count_if(system.type.begin(), system.type.end(),
                                     [&s](int t) { return s.group_of_type[t] >= 0; });
  // Per origin and atom: the velocity; per lag and species: the sum and its pair count.
  check_correlation_memory(s.max_lag, s.origin_every, static_cast<std::size_t>(tracked), 3 * 8,
                           s.species.size() * 16.0,
                           c.at(spec.max_lag ? "max_lag_ps" : spec.origin_every ? "origin_every_ps" : "every"));
  return s;
}

class VdosAnalysis final : public FrameAnalysis {
public:
  VdosAnalysis(const VdosSpec& spec, const System& system, const Stretch& stretch)
      : acc_(resolve(spec, system, stretch)), label_(stretch.label) {
    for (const std::string& s : acc_.setup().species)
      mass_.push_back(system.species_mass[species_type(system, s, "")]);
  }

  void add(const System& system, const ThermoSample&) override {
    if (!system.has_velocities)
      throw InputError(label_,
                       "the vDOS needs velocities and this frame has none (write the "
                       "trajectory with velocities = true)");
    acc_.add_sample(system);
  }

  std::string write(const std::filesystem::path& prefix) const override;

  void save_state(h5::File& file, const std::string& group) const override {
    acc_.save_state(file, group);
  }
  void restore_state(const h5::File& file, const std::string& group) override {
    acc_.restore_state(file, group);
  }

private:
  VacfAccumulator acc_;
  std::string label_;
  std::vector<double> mass_;  // amu per species group
};

std::string VdosAnalysis::write(const std::filesystem::path& prefix) const {
  const VacfSetup& s = acc_.setup();
  const int groups = static_cast<int>(s.species.size());
  const double dt = s.sample_interval;
  std::vector<std::vector<double>> vacf(groups);
  std::vector<Spectrum> spectra;
  std::vector<double> weight;  // kinetic energy of the species: N m C(0)
  for (int g = 0; g < groups; ++g) {
    for (int lag = 0; lag <= s.max_lag; ++lag) vacf[g].push_back(acc_.vacf(lag, g));
    if (!(vacf[g][0] > 0))
      throw RuntimeFailure(fmt::format("{}: the vDOS of {} has no motion to analyse (C(0) = 0)",
                                       label_, s.species[g]));
    spectra.push_back(vibrational_dos(vacf[g], dt));
    weight.push_back(acc_.atoms(g) * mass_[g] * vacf[g][0]);
  }
  double weight_sum = 0.0;
  for (double w : weight) weight_sum += w;

  std::string vcsv = "lag_ps";
  for (const std::string& sp : s.species)
    vcsv += fmt::format(",C_{0}_A2_per_ps2,C_{0}_normalized", sp);
  vcsv += "\n";
  for (int lag = 0; lag <= s.max_lag; ++lag) {
    vcsv += csv_number(lag * dt);
    for (int g = 0; g < groups; ++g)
      vcsv += "," + csv_number(vacf[g][lag]) + "," + csv_number(vacf[g][lag] / vacf[g][0]);
    vcsv += "\n";
  }
  write_text_file(prefix.string() + "_vacf.csv", vcsv);

  const Spectrum& grid = spectra.front();
  std::string csv = "frequency_THz,wavenumber_cm-1";
  for (const std::string& sp : s.species) csv += fmt::format(",g_{}_per_THz", sp);
  csv += ",g_total_per_THz\n";
  std::vector<double> total(grid.frequency.size(), 0.0);
  for (std::size_t j = 0; j < grid.frequency.size(); ++j) {
    csv += csv_number(grid.frequency[j]) + "," + csv_number(grid.frequency[j] * kWavenumberPerTHz);
    for (int g = 0; g < groups; ++g) {
      csv += "," + csv_number(spectra[g].density[j]);
      total[j] += weight[g] / weight_sum * spectra[g].density[j];
    }
    csv += "," + csv_number(total[j]) + "\n";
  }
  write_text_file(prefix.string() + ".csv", csv);

  h5::File f = create_result_file(prefix.string() + ".h5", "vdos", label_);
  f.set_attr("/", "window", std::string(kWindow));
  f.set_attr("/", "normalisation", std::string("integral of g over 0..Nyquist = 1"));
  f.set_attr("/", "sample_interval_ps", dt);
  f.set_attr("/", "max_lag_ps", s.max_lag * dt);
  f.set_attr("/", "origin_every_ps", s.origin_every * dt);
  f.set_attr("/", "species", s.species);
  const auto lags = static_cast<std::uint64_t>(s.max_lag + 1), bins = grid.frequency.size();
  std::vector<double> lag_ps, all_vacf, all_g;
  for (int lag = 0; lag <= s.max_lag; ++lag) lag_ps.push_back(lag * dt);
  for (int g = 0; g < groups; ++g) {
    all_vacf.insert(all_vacf.end(), vacf[g].begin(), vacf[g].end());
    all_g.insert(all_g.end(), spectra[g].density.begin(), spectra[g].density.end());
  }
  write_dataset(f, "/lag_ps", lag_ps, {lags}, "ps");
  write_dataset(f, "/vacf", all_vacf, {static_cast<std::uint64_t>(groups), lags}, "Å^2/ps^2");
  write_dataset(f, "/frequency_THz", grid.frequency, {bins}, "THz");
  write_dataset(f, "/g", all_g, {static_cast<std::uint64_t>(groups), bins}, "1/THz");
  write_dataset(f, "/g_total", total, {bins}, "1/THz");

  std::string summary = fmt::format(
      "vDOS of {}: {} samples every {:.4g} ps, max lag {:.4g} ps (resolution about {:.3g} THz), "
      "{} window\n",
      label_, acc_.samples_seen(), dt, s.max_lag * dt, 1.0 / (s.max_lag * dt), kWindow);
  for (int g = 0; g < groups; ++g) {
    const Spectrum& sp = spectra[g];
    const auto peak = std::max_element(sp.density.begin(), sp.density.end()) - sp.density.begin();
    const double mean = spectral_moment(sp, 1);
    summary += fmt::format(
        "  {:<4} peak at {:.3g} THz ({:.4g} cm⁻¹), mean frequency {:.3g} THz ({:.4g} cm⁻¹)\n",
        s.species[g], sp.frequency[peak], sp.frequency[peak] * kWavenumberPerTHz, mean,
        mean * kWavenumberPerTHz);
  }
  return summary + "  (g normalised to 1 per species; total weighted by kinetic energy)";
}

}  // namespace

std::unique_ptr<FrameAnalysis> analysis_for(const VdosSpec& spec, const System& system,
                                            const Stretch& stretch) {
  return std::make_unique<VdosAnalysis>(spec, system, stretch);
}

}  // namespace mdgpu
