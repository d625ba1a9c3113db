// [analysis.msd] / `mdgpu analyze msd`: the MSD accumulator, its settings checked against the
// structure and the stretch, and the results (MSD curves, D with errors, conductivity) on disk.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/diffusivity.hpp"
#include "analysis/frame_analysis.hpp"
#include "analysis/msd_analysis.hpp"
#include "analysis/output_files.hpp"
#include "analysis/pairs.hpp"
#include "analysis/time_origins.hpp"
#include "core/errors.hpp"
#include "core/hdf5_file.hpp"

namespace mdgpu {

struct MsdAnalysis::Resolved {
  MsdSetup setup;
  std::vector<int> species_type;
  std::vector<double> nn_distance;  // NaN: computed from the first sample
  std::vector<double> charge;
  std::optional<int> first_lag;
  std::string blocks_note;  // fewer blocks than asked, or fewer than kMinBlocks
};

namespace {

// Charge (e) assumed for a diffusing species the input gives none for: +1 for the alkali metals.
double default_charge(const std::string& symbol) {
  for (const char* alkali : {"Li", "Na", "K", "Rb", "Cs"})
    if (symbol == alkali) return 1.0;
  return NAN;
}

// "stage 'prod' (20 ps sampled every 0.05 ps)": what the stretch-dependent limits depend on.
std::string describe(const Stretch& st) {
  return fmt::format("'{}' ({:.6g} ps sampled every {:.6g} ps)", st.label,
                     (st.samples - 1) * st.sample_interval, st.sample_interval);
}

MsdAnalysis::Resolved resolve(const MsdSpec& spec, const System& system, const Stretch& st) {
  const AnalysisCommon& c = spec.common;
  MsdAnalysis::Resolved r;
  MsdSetup& s = r.setup;
  s.species = spec.species.empty() ? system.species : spec.species;
  s.group_of_type.assign(system.species.size(), -1);
  for (std::size_t g = 0; g < s.species.size(); ++g) {
    r.species_type.push_back(species_type(system, s.species[g], c.at("species")));
    s.group_of_type[r.species_type.back()] = static_cast<int>(g);
  }

  s.remove_drift = spec.remove_drift;
  s.framework_type.assign(system.species.size(), false);
  if (spec.remove_drift) {
    if (spec.framework.empty()) {
      for (std::size_t t = 0; t < system.species.size(); ++t)
        s.framework_type[t] = s.group_of_type[t] < 0;
    }
    for (const std::string& f : spec.framework) {
      const int t = species_type(system, f, c.at("framework"));
      if (s.group_of_type[t] >= 0)
        throw InputError(c.at("framework"),
                         fmt::format("'{}' is a diffusing species; the framework "
                                     "is what the diffusing atoms move against",
                                     f));
      s.framework_type[t] = true;
    }
    if (std::none_of(s.framework_type.begin(), s.framework_type.end(), [](bool b) { return b; }))
      throw InputError(c.at("remove_drift"),
                       "no framework to remove the drift of: every species "
                       "diffuses (list fewer species)");
  }
  if (spec.slabs) s.slabs.emplace(*spec.slabs, system.box, c.at("slabs"));

  s.sample_interval = st.sample_interval;
  s.samples = st.samples;
  const double dt = st.sample_interval;
  const std::int64_t n = st.samples;
  // Max lag and origin spacing: as given, or the longest lag a block of the asked number holds.
  if (spec.origin_every) {
    s.origin_every = st.intervals(*spec.origin_every);
    if (s.origin_every < 1)
      throw InputError(c.at("origin_every_ps"),
                       fmt::format("{} ps is shorter than the sampling interval of stretch {}",
                                   *spec.origin_every, describe(st)));
    if (s.origin_every >= n)
      throw InputError(c.at("origin_every_ps"),
                       fmt::format("{:.6g} ps is longer than stretch {}", *spec.origin_every,
                                   describe(st)));
  }
  if (spec.max_lag) {
    s.max_lag = st.intervals(*spec.max_lag);
    if (s.max_lag >= n)
      throw InputError(c.at("max_lag_ps"),
                       fmt::format("the max lag ({:.6g} ps) is longer than stretch {}",
                                   *spec.max_lag, describe(st)));
    if (!spec.origin_every) s.origin_every = std::max(1, s.max_lag / 20);
  } else {
    const std::int64_t block = n / spec.blocks;
    if (!spec.origin_every)
      s.origin_every = static_cast<int>(std::max<std::int64_t>(1, block / 21));
    s.max_lag = static_cast<int>(block - s.origin_every);
  }
  if (s.max_lag < kMinFitPoints && !spec.max_lag && spec.origin_every)
    throw InputError(
        c.at("origin_every_ps"),
        fmt::format("the default max lag, one of the {} blocks of stretch {} ({:.6g} ps) less the "
                    "origin spacing ({:.6g} ps), covers {} sampling intervals; the fit of D needs "
                    "at least {}: lower origin_every_ps or blocks, or give max_lag_ps",
                    spec.blocks, describe(st), n / spec.blocks * dt, s.origin_every * dt,
                    std::max(0, s.max_lag), kMinFitPoints));
  if (s.max_lag < kMinFitPoints)
    throw InputError(
        c.at(spec.max_lag ? "max_lag_ps" : "every"),
        fmt::format("the max lag ({:.6g} ps) covers {} sampling intervals of stretch {}; "
                    "the fit of D needs at least {}",
                    s.max_lag * dt, s.max_lag, describe(st), kMinFitPoints));
  // Blocks: as asked; fewer when the max lag given needs longer ones and at least kMinBlocks fit.
  const int span = s.max_lag + s.origin_every;
  s.blocks = spec.blocks;
  if (n / s.blocks < span) {
    const int fit = static_cast<int>(n / span);
    if (!spec.max_lag || fit < kMinBlocks || fit >= s.blocks)
      throw InputError(
          c.at(spec.max_lag ? "max_lag_ps" : "blocks"),
          fmt::format("max lag + origin spacing ({:.6g} ps) exceed one of the {} blocks of "
                      "stretch {} ({:.6g} ps): each block must hold whole lags for the "
                      "error of D; lower max_lag_ps (at most {:.6g} ps for {} blocks) or blocks, "
                      "or run at least {:.6g} ps",
                      span * dt, spec.blocks, describe(st), n / spec.blocks * dt,
                      (n / std::max(spec.blocks, kMinBlocks) - s.origin_every) * dt,
                      std::max(spec.blocks, kMinBlocks), spec.blocks * span * dt));
    r.blocks_note = fmt::format(
        "{} blocks of {:.4g} ps ({} asked): only so many hold the max lag "
        "+ origin spacing ({:.4g} ps)",
        fit, n / fit * dt, s.blocks, span * dt);
    s.blocks = fit;
  }
  if (s.blocks < kMinBlocks)
    r.blocks_note = fmt::format(
        "{} blocks: the error rests on {} degree(s) of freedom and is itself "
        "uncertain by ±{:.0f} %; {} or more blocks are advised",
        s.blocks, s.blocks - 1, 100.0 / std::sqrt(2.0 * (s.blocks - 1)), kMinBlocks);
  if (spec.fit_start) {
    r.first_lag = st.intervals(*spec.fit_start, Stretch::Rounding::Up);
    if (s.max_lag - *r.first_lag + 1 < kMinFitPoints)
      throw InputError(
          c.at("fit_start_ps"),
          fmt::format("empty fit window: from {} ps to the max lag {:.6g} ps there are "
                      "{} sampled lags (at least {} needed)",
                      *spec.fit_start, s.max_lag * dt, std::max(0, s.max_lag - *r.first_lag + 1),
                      kMinFitPoints));
  }
  const auto tracked = std::count_if(system.type.begin(), system.type.end(),
                                     [&s](int t) { return s.group_of_type[t] >= 0; });
  // Per origin and atom: unwrapped x, y, z, the slab and the left flag; per lag, in the total and
  // in every block: the components' sums and three pair counts for each group.
  check_correlation_memory(
      s.max_lag, s.origin_every, static_cast<std::size_t>(tracked), 3 * 8 + 2 + 1,
      (s.blocks + 1.0) * s.groups() * (kMsdComponents + 3) * 8.0,
      c.at(spec.max_lag ? "max_lag_ps" : spec.origin_every ? "origin_every_ps" : "every"));
  for (const auto& [symbol, q] : spec.charges)
    if (s.group_of_type[species_type(system, symbol, c.at("charges"))] < 0)
      throw InputError(c.at("charges"), fmt::format("'{}' is not one of the diffusing species ({})",
                                                    symbol, fmt::join(s.species, ", ")));
  for (const std::string& symbol : s.species) {
    const auto q = spec.charges.find(symbol);
    r.charge.push_back(q != spec.charges.end() ? q->second : default_charge(symbol));
    r.nn_distance.push_back(spec.nn_distance.value_or(NAN));
  }
  return r;
}

}  // namespace

MsdAnalysis::MsdAnalysis(const MsdSpec& spec, const System& system, const Stretch& stretch)
    : MsdAnalysis(resolve(spec, system, stretch), spec, stretch.label) {}

MsdAnalysis::MsdAnalysis(Resolved r, const MsdSpec& spec, const std::string& label)
    : acc_(std::move(r.setup)),
      species_type_(std::move(r.species_type)),
      nn_distance_(std::move(r.nn_distance)),
      charge_(std::move(r.charge)),
      first_lag_(r.first_lag),
      temperature_(spec.temperature),
      blocks_note_(std::move(r.blocks_note)),
      label_(label) {}

void MsdAnalysis::add(const System& system, const ThermoSample& sample) {
  // a for the start of the fit window, from the structure at the first sample.
  if (acc_.samples_seen() == 0 && !first_lag_)
    for (std::size_t g = 0; g < nn_distance_.size(); ++g)
      if (!std::isfinite(nn_distance_[g]))
        nn_distance_[g] = mean_nearest_neighbor_distance(system, species_type_[g]);
  acc_.add_sample(system, sample.temperature);
}

void MsdAnalysis::save_state(h5::File& file, const std::string& group) const {
  acc_.save_state(file, group);
  file.write(group + "/nn_distance", nn_distance_, {nn_distance_.size()});
}

void MsdAnalysis::restore_state(const h5::File& file, const std::string& group) {
  acc_.restore_state(file, group);
  nn_distance_ = file.read_doubles(group + "/nn_distance").data;
}

std::vector<GroupDiffusivity> MsdAnalysis::diffusivities() const {
  const MsdSetup& s = acc_.setup();
  const double temperature = temperature_.value_or(acc_.mean_temperature());
  const double volume = acc_.mean_volume();
  const int per_species = 1 + s.slab_count();
  std::vector<GroupDiffusivity> out;
  for (int g = 0; g < s.groups(); ++g) {
    const int species = g / per_species, slab = g % per_species - 1;
    const double a = nn_distance_[species];
    const FitSettings fs{s.sample_interval, 0.5 * a * a, first_lag_, s.blocks, s.origin_every};
    GroupDiffusivity d = fit_diffusivity(acc_.total(), acc_.blocks(), g, fs);
    d.group = s.group_name(g);
    const double atoms =
        acc_.origins() > 0
            ? static_cast<double>(acc_.total().pairs[acc_.total().at(0, g)]) / acc_.origins()
            : NAN;
    const double v = slab < 0 ? volume : volume * (s.slabs->upper(slab) - s.slabs->lower(slab));
    add_conductivity(d, atoms, v, charge_[species], temperature);
    out.push_back(std::move(d));
  }
  return out;
}

namespace {

// "2.441 ± 0.052 (statistical) ± 0.021 (window) ×10⁻⁵ cm²/s": one power of ten for all three.
std::string format_d(const ComponentDiffusivity& cd) {
  const double D = cd.D * kAngstrom2PerPsToCm2PerS;
  // A zero or non-finite D has no power of ten of its own; print it unscaled.
  const int exponent = std::isfinite(D) && D != 0.0
                           ? static_cast<int>(std::floor(std::log10(std::fabs(D))))
                           : 0;
  const double scale = std::pow(10.0, -exponent);
  std::string out = fmt::format("D = {:.4g}", D * scale);
  if (std::isfinite(cd.error))
    out += fmt::format(" ± {:.2g} (statistical)", cd.error * kAngstrom2PerPsToCm2PerS * scale);
  if (std::isfinite(cd.window_error))
    out += fmt::format(" ± {:.2g} (window)", cd.window_error * kAngstrom2PerPsToCm2PerS * scale);
  return out + fmt::format(" ×10^{} cm²/s", exponent);
}

// Which error is larger, said for the summary.
std::string dominant_error(const ComponentDiffusivity& cd) {
  if (!std::isfinite(cd.error) || !std::isfinite(cd.window_error)) return "";
  return cd.window_error > cd.error ? "; the window error dominates"
                                    : "; the statistical error dominates";
}

}  // namespace

std::string MsdAnalysis::write(const std::filesystem::path& prefix) const {
  const MsdSetup& s = acc_.setup();
  const MsdTable& t = acc_.total();
  const double dt = s.sample_interval;
  const std::vector<GroupDiffusivity> fits = diffusivities();
  const int per_species = 1 + s.slab_count();
  const double temperature = temperature_.value_or(acc_.mean_temperature());

  // MSD curves, one row per group and lag.
  std::string csv = "group,lag_ps,pairs";
  for (const char* c : kMsdComponentNames) csv += fmt::format(",msd_{}_A2", c);
  csv += ",left_ever_fraction,left_now_fraction\n";
  for (int g = 0; g < s.groups(); ++g)
    for (int lag = 0; lag < t.lags; ++lag) {
      const std::int64_t pairs = t.pairs[t.at(lag, g)];
      csv += fmt::format("{},{},{}", s.group_name(g), lag * dt, pairs);
      for (int c = 0; c < kMsdComponents; ++c) csv += "," + csv_number(t.msd(lag, g, c));
      const bool slab = g % per_species > 0 && pairs > 0;
      csv += fmt::format(",{},{}\n",
                         csv_number(slab ? double(t.left_ever[t.at(lag, g)]) / pairs : NAN),
                         csv_number(slab ? double(t.left_now[t.at(lag, g)]) / pairs : NAN));
    }
  write_text_file(prefix.string() + ".csv", csv);

  // D, its errors and σ, one row per group and component; empty fields have no value (`note`
  // says why).
  std::string dcsv =
      "group,component,dimensions,D_A2_per_ps,D_err_A2_per_ps,D_window_err_A2_per_ps,"
      "D_total_err_A2_per_ps,D_cm2_per_s,D_err_cm2_per_s,D_window_err_cm2_per_s,"
      "D_total_err_cm2_per_s,blocks,error_dof,fit_start_ps,fit_stop_ps,fit_points,"
      "D_early_A2_per_ps,D_late_A2_per_ps,loglog_slope,linear,atoms,volume_A3,charge_e,"
      "temperature_K,sigma_S_per_cm,sigma_err_S_per_cm,haven_ratio,note,advice\n";
  const double cm2 = kAngstrom2PerPsToCm2PerS;
  for (const GroupDiffusivity& d : fits)
    for (int c = 0; c < kMsdComponents; ++c) {
      const ComponentDiffusivity& cd = d.components[c];
      const bool window = d.has_window();
      std::vector<std::string> f = {d.group,
                                    kMsdComponentNames[c],
                                    fmt::format("{}", kMsdDimensions[c]),
                                    csv_number(cd.D),
                                    csv_number(cd.error),
                                    csv_number(cd.window_error),
                                    csv_number(cd.total_error()),
                                    csv_number(cd.D * cm2),
                                    csv_number(cd.error * cm2),
                                    csv_number(cd.window_error * cm2),
                                    csv_number(cd.total_error() * cm2),
                                    fmt::format("{}", s.blocks),
                                    d.blocks_used >= 2 ? fmt::format("{}", d.blocks_used - 1) : "",
                                    window ? csv_number(d.first_lag * dt) : "",
                                    window ? csv_number(d.last_lag * dt) : "",
                                    window ? fmt::format("{}", d.last_lag - d.first_lag + 1) : "",
                                    csv_number(cd.D_early),
                                    csv_number(cd.D_late),
                                    csv_number(cd.loglog_slope),
                                    std::isfinite(cd.loglog_slope) ? (cd.linear ? "1" : "0") : "",
                                    csv_number(d.atoms),
                                    csv_number(d.volume),
                                    csv_number(d.charge),
                                    csv_number(d.temperature),
                                    csv_number(cd.sigma),
                                    csv_number(cd.sigma_error),
                                    "1",
                                    csv_quote(d.note),
                                    csv_quote(join_notes(d.advice, blocks_note_))};
      dcsv += fmt::format("{}\n", fmt::join(f, ","));
    }
  write_text_file(prefix.string() + "_D.csv", dcsv);

  // Everything, with the block curves, in HDF5. Values that do not exist are NaN in datasets and
  // absent as attributes.
  h5::File f = create_result_file(prefix.string() + ".h5", "msd", label_);
  f.set_attr("/", "sample_interval_ps", dt);
  f.set_attr("/", "max_lag_ps", s.max_lag * dt);
  f.set_attr("/", "origin_every_ps", s.origin_every * dt);
  f.set_attr("/", "blocks", static_cast<std::int64_t>(s.blocks));
  f.set_attr("/", "blocks_note", blocks_note_);
  f.set_attr("/", "samples", static_cast<std::int64_t>(acc_.samples_seen()));
  f.set_attr("/", "origins", static_cast<std::int64_t>(acc_.origins()));
  f.set_attr("/", "remove_drift", static_cast<std::int64_t>(s.remove_drift));
  f.set_attr("/", "components",
             std::vector<std::string>(kMsdComponentNames.begin(), kMsdComponentNames.end()));
  f.set_attr("/", "conductivity",
             std::string("Nernst-Einstein, sigma = N q^2 D / (V kB T), Haven ratio 1"));
  f.set_attr("/", "error",
             std::string("statistical: Student-t 68.3 % half-width of the block values' mean; "
                         "window: half the change of D between the window's halves beyond noise"));
  std::vector<double> lag_ps;
  for (int lag = 0; lag < t.lags; ++lag) lag_ps.push_back(lag * dt);
  write_dataset(f, "/lag_ps", lag_ps, {lag_ps.size()}, "ps");
  const auto lags = static_cast<std::uint64_t>(t.lags), nb = static_cast<std::uint64_t>(s.blocks);
  for (int g = 0; g < s.groups(); ++g) {
    const GroupDiffusivity& d = fits[g];
    const std::string at = "/groups/" + d.group;
    std::vector<double> msd, block_msd, pairs, block_D;
    for (int lag = 0; lag < t.lags; ++lag) {
      pairs.push_back(static_cast<double>(t.pairs[t.at(lag, g)]));
      for (int c = 0; c < kMsdComponents; ++c) msd.push_back(t.msd(lag, g, c));
    }
    for (const MsdTable& b : acc_.blocks())
      for (int lag = 0; lag < t.lags; ++lag)
        for (int c = 0; c < kMsdComponents; ++c) block_msd.push_back(b.msd(lag, g, c));
    for (std::uint64_t b = 0; b < nb; ++b)
      for (const ComponentDiffusivity& cd : d.components)
        block_D.push_back(cd.block_D.empty() ? NAN : cd.block_D[b]);
    const auto per_component = [&](auto value) {
      std::vector<double> v;
      for (const ComponentDiffusivity& cd : d.components) v.push_back(value(cd));
      return v;
    };
    write_dataset(f, at + "/msd_A2", msd, {lags, kMsdComponents}, "Å^2");
    write_dataset(f, at + "/pairs", pairs, {lags}, "(time origin, atom) pairs");
    write_dataset(f, at + "/block_msd_A2", block_msd, {nb, lags, kMsdComponents}, "Å^2");
    const std::vector<std::pair<const char*, std::vector<double>>> columns = {
        {"D_A2_per_ps", per_component([](auto& c) { return c.D; })},
        {"D_err_A2_per_ps", per_component([](auto& c) { return c.error; })},
        {"D_window_err_A2_per_ps", per_component([](auto& c) { return c.window_error; })},
        {"D_early_A2_per_ps", per_component([](auto& c) { return c.D_early; })},
        {"D_late_A2_per_ps", per_component([](auto& c) { return c.D_late; })}};
    for (const auto& [name, values] : columns)
      write_dataset(f, at + "/" + name, values, {kMsdComponents}, "Å^2/ps");
    write_dataset(f, at + "/block_D_A2_per_ps", block_D, {nb, kMsdComponents}, "Å^2/ps");
    write_dataset(f, at + "/loglog_slope", per_component([](auto& c) { return c.loglog_slope; }),
                  {kMsdComponents}, "1");
    write_dataset(f, at + "/sigma_S_per_cm", per_component([](auto& c) { return c.sigma; }),
                  {kMsdComponents}, "S/cm");
    write_dataset(f, at + "/sigma_err_S_per_cm",
                  per_component([](auto& c) { return c.sigma_error; }), {kMsdComponents}, "S/cm");
    const std::pair<const char*, double> attrs[] = {
        {"fit_start_ps", d.has_window() ? d.first_lag * dt : NAN},
        {"fit_stop_ps", d.has_window() ? d.last_lag * dt : NAN},
        {"nn_distance_A", nn_distance_[g / per_species]},
        {"threshold_A2", d.threshold},
        {"atoms", d.atoms},
        {"volume_A3", d.volume},
        {"charge_e", d.charge},
        {"temperature_K", d.temperature}};
    for (const auto& [name, value] : attrs)
      if (std::isfinite(value)) f.set_attr(at, name, value);
    f.set_attr(at, "error_dof", static_cast<std::int64_t>(std::max(0, d.blocks_used - 1)));
    f.set_attr(at, "note", d.note);
    f.set_attr(at, "advice", join_notes(d.advice, blocks_note_));
  }

  std::string summary = fmt::format(
      "MSD of {}: {} samples, {} origins, {}, {} blocks of {:.4g} ps for the errors (max lag "
      "{:.4g} ps)\n",
      label_, acc_.samples_seen(), acc_.origins(),
      std::isfinite(temperature) ? fmt::format("T = {:.5g} K", temperature)
                                 : std::string("T unknown (no velocities; give temperature=)"),
      s.blocks, s.samples / s.blocks * dt, s.max_lag * dt);
  if (!blocks_note_.empty()) summary += fmt::format("  note: {}\n", blocks_note_);
  for (const GroupDiffusivity& d : fits) {
    if (!std::isfinite(d.components[kMsdTotal].D)) {
      summary += fmt::format("  {:<12} {}\n", d.group, d.note);
      if (!d.advice.empty()) summary += fmt::format("  {:<12} {}\n", "", d.advice);
      continue;
    }
    for (int c : {kMsdTotal, kMsdAB, kMsdC}) {
      const ComponentDiffusivity& cd = d.components[c];
      summary +=
          fmt::format("  {:<12} {:<5} {}, fit {:.4g}–{:.4g} ps, log-log slope {:.3f}{}{}", d.group,
                      kMsdComponentNames[c], format_d(cd), d.first_lag * dt, d.last_lag * dt,
                      cd.loglog_slope, cd.linear ? "" : " (NOT linear)", dominant_error(cd));
      if (std::isfinite(cd.sigma))
        summary += fmt::format(", σ = {:.3g} ± {:.2g} S/cm", cd.sigma, cd.sigma_error);
      summary += "\n";
    }
    for (const std::string& line : {d.note, d.advice})
      if (!line.empty()) summary += fmt::format("  {:<12} {}\n", d.group, line);
  }
  return summary +
         "  (errors: statistical = 68 % Student-t interval over the blocks, window = change of D "
         "across the fit window; σ: Nernst–Einstein with Haven ratio 1)";
}

std::unique_ptr<FrameAnalysis> analysis_for(const MsdSpec& spec, const System& system,
                                            const Stretch& stretch) {
  return std::make_unique<MsdAnalysis>(spec, system, stretch);
}

}  // namespace mdgpu
