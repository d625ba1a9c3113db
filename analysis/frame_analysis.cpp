#include "analysis/frame_analysis.hpp"

#include <algorithm>
#include <climits>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/errors.hpp"

namespace mdgpu {

int Stretch::intervals(double ps, Rounding rounding) const {
  const double count = ps / sample_interval;
  const double cap = static_cast<double>(std::min<std::int64_t>(samples, INT_MAX));
  if (!(count < cap)) return static_cast<int>(cap);
  // A time within 1e-9 of an interval above a whole one rounds up to that one, not past it.
  return static_cast<int>(rounding == Rounding::Up ? std::ceil(count - 1e-9) : std::round(count));
}

const char* analysis_name(AnalysisKind kind) {
  switch (kind) {
    case AnalysisKind::Msd:
      return "msd";
    case AnalysisKind::Rdf:
      return "rdf";
    case AnalysisKind::Motifs:
      return "motifs";
    case AnalysisKind::Profile:
      return "profile";
    case AnalysisKind::Vdos:
      return "vdos";
  }
  return "";
}

std::vector<std::filesystem::path> analysis_outputs(AnalysisKind kind,
                                                    const std::filesystem::path& prefix) {
  std::vector<std::filesystem::path> out = {prefix.string() + ".csv", prefix.string() + ".h5"};
  if (kind == AnalysisKind::Msd) out.emplace_back(prefix.string() + "_D.csv");
  if (kind == AnalysisKind::Vdos) out.emplace_back(prefix.string() + "_vacf.csv");
  return out;
}

std::vector<AnalysisKind> requested_analyses(const AnalysisSpecs& specs) {
  std::vector<AnalysisKind> kinds;
  if (specs.msd) kinds.push_back(AnalysisKind::Msd);
  if (specs.rdf) kinds.push_back(AnalysisKind::Rdf);
  if (specs.motifs) kinds.push_back(AnalysisKind::Motifs);
  if (specs.profile) kinds.push_back(AnalysisKind::Profile);
  if (specs.vdos) kinds.push_back(AnalysisKind::Vdos);
  return kinds;
}

const AnalysisCommon& common_keys(const AnalysisSpecs& specs, AnalysisKind kind) {
  switch (kind) {
    case AnalysisKind::Msd:
      return specs.msd.value().common;
    case AnalysisKind::Rdf:
      return specs.rdf.value().common;
    case AnalysisKind::Motifs:
      return specs.motifs.value().common;
    case AnalysisKind::Vdos:
      return specs.vdos.value().common;
    case AnalysisKind::Profile:
      break;
  }
  return specs.profile.value().common;
}

std::unique_ptr<FrameAnalysis> make_analysis(AnalysisKind kind, const AnalysisSpecs& specs,
                                             const System& system, const Stretch& stretch) {
  switch (kind) {
    case AnalysisKind::Msd:
      return make_msd_analysis(specs.msd.value(), system, stretch);
    case AnalysisKind::Rdf:
      return make_rdf_analysis(specs.rdf.value(), system, stretch);
    case AnalysisKind::Motifs:
      return make_motif_analysis(specs.motifs.value(), system, stretch);
    case AnalysisKind::Vdos:
      return make_vdos_analysis(specs.vdos.value(), system, stretch);
    case AnalysisKind::Profile:
      break;
  }
  return make_profile_analysis(specs.profile.value(), system, stretch);
}

int species_type(const System& system, const std::string& symbol, const std::string& where) {
  const auto it = std::find(system.species.begin(), system.species.end(), symbol);
  if (it == system.species.end())
    throw InputError(where, fmt::format("species '{}' is not in the structure (it has {})", symbol,
                                        fmt::join(system.species, ", ")));
  return static_cast<int>(it - system.species.begin());
}

}  // namespace mdgpu
