#include "analysis/vacf.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "analysis/time_origins.hpp"
#include "core/errors.hpp"
#include "core/hdf5_file.hpp"

namespace mdgpu {

VacfAccumulator::VacfAccumulator(VacfSetup setup) : setup_(std::move(setup)) {
  const std::size_t cells = static_cast<std::size_t>(setup_.max_lag + 1) * setup_.species.size();
  sum_.assign(cells, 0.0);
  pairs_.assign(cells, 0);
  ring_.resize(setup_.max_lag / setup_.origin_every + 1);
}

double VacfAccumulator::vacf(int lag, int group) const {
  const std::int64_t n = pairs_[at(lag, group)];
  return n > 0 ? sum_[at(lag, group)] / n : NAN;
}

void VacfAccumulator::add_sample(const System& system) {
  if (system.species.size() != setup_.group_of_type.size())
    throw RuntimeFailure("VACF: the sample's species do not match the analysis setup");
  if (!system.has_velocities) throw RuntimeFailure("VACF: the sample has no velocities");
  if (tracked_.empty())
    atoms_by_species(system, setup_.group_of_type, setup_.species.size(), tracked_, group_begin_);
  const std::size_t n = tracked_.size();
  current_.resize(3 * n);
  for (std::size_t t = 0; t < n; ++t) {
    const int i = tracked_[t];
    current_[3 * t] = system.velocities.x[i];
    current_[3 * t + 1] = system.velocities.y[i];
    current_[3 * t + 2] = system.velocities.z[i];
  }
  const std::int64_t k = samples_;
  if (Origin* o = next_origin(ring_, k, setup_.max_lag, setup_.origin_every)) o->v = current_;
  for (const Origin& o : ring_) {
    if (o.sample < 0) continue;
    const int lag = static_cast<int>(k - o.sample);
    for (std::size_t g = 0; g + 1 < group_begin_.size(); ++g) {
      double dot = 0.0;
      for (std::size_t t = 3 * group_begin_[g]; t < 3 * group_begin_[g + 1]; ++t)
        dot += o.v[t] * current_[t];
      sum_[at(lag, static_cast<int>(g))] += dot;
      pairs_[at(lag, static_cast<int>(g))] +=
          static_cast<std::int64_t>(group_begin_[g + 1] - group_begin_[g]);
    }
  }
  ++samples_;
}

void VacfAccumulator::save_state(h5::File& f, const std::string& group) const {
  f.create_group(group);
  f.set_attr(group, "samples", static_cast<std::int64_t>(samples_));
  f.set_attr(group, "origin_slots", static_cast<std::int64_t>(ring_.size()));
  f.write(group + "/sum", sum_, {sum_.size()});
  f.write(group + "/pairs", pairs_, {pairs_.size()});
  for (std::size_t s = 0; s < ring_.size(); ++s) {
    const std::string at = fmt::format("{}/origin{}", group, s);
    f.create_group(at);
    f.set_attr(at, "sample", static_cast<std::int64_t>(ring_[s].sample));
    if (ring_[s].sample >= 0) f.write(at + "/v", ring_[s].v, {ring_[s].v.size()});
  }
}

void VacfAccumulator::restore_state(const h5::File& f, const std::string& group) {
  auto sum = f.read_doubles(group + "/sum").data;
  if (f.attr_int(group, "origin_slots") != static_cast<std::int64_t>(ring_.size()) ||
      sum.size() != sum_.size())
    throw InputError(f.path() + ":" + group,
                     "the VACF checkpoint does not match the [analysis.vdos] settings");
  sum_ = std::move(sum);
  pairs_ = f.read_ints(group + "/pairs").data;
  for (std::size_t s = 0; s < ring_.size(); ++s) {
    const std::string at = fmt::format("{}/origin{}", group, s);
    ring_[s].sample = f.attr_int(at, "sample");
    if (ring_[s].sample >= 0) ring_[s].v = f.read_doubles(at + "/v").data;
  }
  samples_ = f.attr_int(group, "samples");
}

}  // namespace mdgpu
