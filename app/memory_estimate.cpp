#include "app/memory_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/machine_memory.hpp"
#include "io/analysis_kinds.hpp"
#include "io/config.hpp"
#include "io/potential_kinds.hpp"

namespace mdgpu {
namespace {

// Bytes per pair that the neighbour list itself stores (neighbour index and image code, both 32
// bit); the potential keeps its own per-pair arrays besides (PotentialKind::bytes_per_pair), so
// the estimate is a lower bound.
constexpr double kListBytesPerPair = 8.0;

void check_radius(const System& system, double radius, double bytes_per_pair,
                  const std::function<std::string()>& where, const std::string& what) {
  const double pairs = expected_pairs(system, radius);
  const double bytes = pairs * bytes_per_pair;
  const double available = static_cast<double>(machine_memory_bytes());
  if (!(bytes < available))
    throw InputError(
        where(),
        fmt::format("{} of {:.4g} Å would hold about {:.3g} pairs for {} atoms at {:.4g} "
                    "atoms/Å³, at least {:.3g} GB, more than this machine's {:.3g} GB of memory",
                    what, radius, pairs, system.size(),
                    static_cast<double>(system.size()) / system.box.volume(), bytes / 1e9,
                    available / 1e9));
}

}  // namespace

double expected_pairs(const System& system, double radius) {
  const double n = static_cast<double>(system.size());
  const double volume = system.box.has_volume() ? system.box.volume() : 0.0;
  if (!(volume > 0.0)) return 0.0;  // the structure readers refuse such cells
  return n * (n / volume) * (4.0 / 3.0) * M_PI * radius * radius * radius;
}

void check_pair_list_memory(const RunPlan& plan, const System& system, double potential_cutoff) {
  const auto key = [&plan](std::string_view path) {
    return [&plan, path] { return key_location(plan.input_file, path); };
  };
  const PotentialKind& kind = kind_of(plan.potential);
  const double model_bytes = kind.bytes_per_pair * static_cast<double>(models_evaluated(plan.potential));
  check_radius(system, potential_cutoff + plan.neighbor_skin, kListBytesPerPair + model_bytes,
               key(plan.neighbor_skin > potential_cutoff ? std::string_view("neighbor.skin") : kind.cutoff_key),
               "the neighbour list's cut-off + skin");
  if (plan.min_distance > 0)
    check_radius(system, plan.min_distance, kListBytesPerPair, key("system.min_distance"),
                 "the closest-approach check's pair list");
  check_analysis_memory(plan.analyses, system);
}

void check_analysis_memory(const std::vector<AnalysisSpec>& analyses, const System& system) {
  for (const AnalysisSpec& spec : analyses) {
    const AnalysisPairList list = kind_of(spec).pair_list(spec);
    const AnalysisCommon& common = common_of(spec);
    if (list.radius > 0)
      check_radius(system, list.radius, kListBytesPerPair,
                   [&common, &list] { return common.at(std::string(list.key)); },
                   std::string(list.what));
  }
}

}  // namespace mdgpu
