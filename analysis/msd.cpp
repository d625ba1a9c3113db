#include "analysis/msd.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "analysis/time_origins.hpp"
#include "analysis/unwrap.hpp"
#include "core/errors.hpp"
#include "core/hdf5_file.hpp"

namespace mdgpu {
namespace {

// Atoms are summed in fixed chunks, then the chunks in order: the sums do not depend on the
// thread count. A chunk's current positions stay in cache while every origin streams past them.
constexpr std::size_t kChunk = 4096;
// Per group: the component sums, then pairs, left_ever, left_now.
constexpr int kPairs = kMsdComponents, kLeftEver = kMsdComponents + 1,
              kLeftNow = kMsdComponents + 2, kQuantities = kMsdComponents + 3;

// The squared displacement along x, y, z, the unit cell vectors, in the plane normal to c, total.
inline void components(double dx, double dy, double dz, const double unit[3][3],
                       double q[kMsdComponents]) {
  q[kMsdX] = dx * dx, q[kMsdY] = dy * dy, q[kMsdZ] = dz * dz;
  for (int k = 0; k < 3; ++k) {
    const double p = dx * unit[k][0] + dy * unit[k][1] + dz * unit[k][2];
    q[kMsdA + k] = p * p;
  }
  q[kMsdTotal] = q[kMsdX] + q[kMsdY] + q[kMsdZ];
  q[kMsdAB] = q[kMsdTotal] - q[kMsdC];
}

void add_quantities(MsdTable& table, int lag, int group, const double* q) {
  const std::size_t at = table.at(lag, group);
  for (int c = 0; c < kMsdComponents; ++c) table.sum[at * kMsdComponents + c] += q[c];
  table.pairs[at] += static_cast<std::int64_t>(q[kPairs]);
  table.left_ever[at] += static_cast<std::int64_t>(q[kLeftEver]);
  table.left_now[at] += static_cast<std::int64_t>(q[kLeftNow]);
}

template <class T>
std::vector<std::int64_t> widen(const std::vector<T>& v) {
  return {v.begin(), v.end()};
}

template <class T>
void narrow(const std::vector<std::int64_t>& from, std::vector<T>& to) {
  to.assign(from.begin(), from.end());
}

}  // namespace

std::string MsdSetup::group_name(int group) const {
  const int per_species = 1 + slab_count();
  const std::string& s = species[group / per_species];
  const int slab = group % per_species - 1;
  return slab < 0 ? s : fmt::format("{}_slab{}", s, slab + 1);
}

void MsdTable::resize(int lag_count, int group_count) {
  lags = lag_count;
  groups = group_count;
  const std::size_t cells = static_cast<std::size_t>(lags) * groups;
  sum.assign(cells * kMsdComponents, 0.0);
  pairs.assign(cells, 0);
  left_ever.assign(cells, 0);
  left_now.assign(cells, 0);
}

MsdAccumulator::MsdAccumulator(MsdSetup setup) : setup_(std::move(setup)) {
  total_.resize(setup_.max_lag + 1, setup_.groups());
  blocks_.resize(setup_.blocks);
  for (MsdTable& b : blocks_) b.resize(setup_.max_lag + 1, setup_.groups());
  ring_.resize(setup_.max_lag / setup_.origin_every + 1);
}

int MsdAccumulator::block_of(std::int64_t sample) const {
  const std::int64_t b = sample * setup_.blocks / std::max<std::int64_t>(1, setup_.samples);
  return static_cast<int>(std::min<std::int64_t>(b, setup_.blocks - 1));
}

void MsdAccumulator::current_positions(const System& system) {
  if (tracked_.empty())  // the diffusing atoms, species by species
    atoms_by_species(system, setup_.group_of_type, setup_.species.size(), tracked_, group_begin_);
  unwrapped_positions(system, unwrapped_);
  double drift[3] = {0.0, 0.0, 0.0};
  if (setup_.remove_drift) {
    double mass = 0.0;
    for (std::size_t i = 0; i < system.size(); ++i) {
      if (!setup_.framework_type[system.type[i]]) continue;
      const double m = system.mass(i);
      drift[0] += m * unwrapped_.x[i];
      drift[1] += m * unwrapped_.y[i];
      drift[2] += m * unwrapped_.z[i];
      mass += m;
    }
    for (double& d : drift) d /= mass;
  }
  const std::size_t n = tracked_.size();
  cx_.resize(n), cy_.resize(n), cz_.resize(n);
  cslab_.assign(setup_.slabs ? n : 0, -1);
  const BoxData& box = system.box.data();
  for (std::size_t t = 0; t < n; ++t) {
    const int i = tracked_[t];
    cx_[t] = unwrapped_.x[i] - drift[0];
    cy_[t] = unwrapped_.y[i] - drift[1];
    cz_[t] = unwrapped_.z[i] - drift[2];
    if (setup_.slabs) {
      const double r[3] = {system.positions.x[i], system.positions.y[i], system.positions.z[i]};
      cslab_[t] = static_cast<std::int16_t>(setup_.slabs->of(box, r));
    }
  }
}

void MsdAccumulator::add_sample(const System& system, double temperature) {
  if (system.species.size() != setup_.group_of_type.size())
    throw RuntimeFailure("MSD: the sample's species do not match the analysis setup");
  current_positions(system);
  const std::int64_t k = samples_;
  if (Origin* o = next_origin(ring_, k, setup_.max_lag, setup_.origin_every)) {
    o->block = block_of(k);
    o->x = cx_, o->y = cy_, o->z = cz_;
    o->slab = cslab_;
    o->left.assign(cslab_.size(), 0);
    ++origins_created_;
  }
  std::vector<Origin*> active;
  for (Origin& o : ring_)
    if (o.sample >= 0) active.push_back(&o);
  accumulate(active, system);
  ++samples_;
  volume_sum_ += system.box.has_volume() ? system.box.volume() : NAN;
  if (std::isfinite(temperature)) temperature_sum_ += temperature, ++temperature_count_;
}

void MsdAccumulator::accumulate(const std::vector<Origin*>& active, const System& system) {
  // Unit vectors along a, b, c.
  double unit[3][3];
  for (int k = 0; k < 3; ++k) {
    const double* h = system.box.data().h[k];
    const double len = std::sqrt(h[0] * h[0] + h[1] * h[1] + h[2] * h[2]);
    for (int j = 0; j < 3; ++j) unit[k][j] = h[j] / len;
  }
  const int groups = setup_.groups(), origins = static_cast<int>(active.size());
  const bool slabs = setup_.slabs.has_value();
  const std::size_t n = tracked_.size(), chunks = (n + kChunk - 1) / kChunk;
  const std::size_t stride = static_cast<std::size_t>(groups) * kQuantities;
  partial_.assign(chunks * origins * stride, 0.0);
#pragma omp parallel for schedule(static) if (chunks > 1)
  for (std::size_t c = 0; c < chunks; ++c) {
    const std::size_t begin = c * kChunk, end = std::min(n, begin + kChunk);
    for (int o = 0; o < origins; ++o) {
      Origin& origin = *active[o];
      double* acc = &partial_[(c * origins + o) * stride];
      // Tracked atoms are ordered by species: one run per species group, summed in registers.
      for (std::size_t sg = 0; sg + 1 < group_begin_.size(); ++sg) {
        const std::size_t lo = std::max(begin, group_begin_[sg]),
                          hi = std::min(end, group_begin_[sg + 1]);
        if (lo >= hi) continue;
        const int species_group = setup_.group_index(static_cast<int>(sg), -1);
        double sum[kMsdComponents] = {};
#pragma omp simd reduction(+ : sum[:kMsdComponents])
        for (std::size_t t = lo; t < hi; ++t) {
          double q[kMsdComponents];
          components(cx_[t] - origin.x[t], cy_[t] - origin.y[t], cz_[t] - origin.z[t], unit, q);
          for (int k = 0; k < kMsdComponents; ++k) sum[k] += q[k];
        }
        for (std::size_t t = lo; slabs && t < hi; ++t) {
          if (origin.slab[t] < 0) continue;
          double q[kMsdComponents];
          components(cx_[t] - origin.x[t], cy_[t] - origin.y[t], cz_[t] - origin.z[t], unit, q);
          const bool away = cslab_[t] != origin.slab[t];
          origin.left[t] |= away ? 1 : 0;
          double* s = acc + (species_group + 1 + origin.slab[t]) * kQuantities;
          for (int k = 0; k < kMsdComponents; ++k) s[k] += q[k];
          s[kPairs] += 1.0;
          s[kLeftEver] += origin.left[t];
          s[kLeftNow] += away ? 1.0 : 0.0;
        }
        double* g = acc + species_group * kQuantities;
        for (int k = 0; k < kMsdComponents; ++k) g[k] += sum[k];
        g[kPairs] += static_cast<double>(hi - lo);
      }
    }
  }
  const int block = block_of(samples_);
  std::vector<double> q(kQuantities);
  for (int o = 0; o < origins; ++o) {
    const int lag = static_cast<int>(samples_ - active[o]->sample);
    for (int g = 0; g < groups; ++g) {
      std::fill(q.begin(), q.end(), 0.0);
      for (std::size_t c = 0; c < chunks; ++c)
        for (int k = 0; k < kQuantities; ++k)
          q[k] += partial_[(c * origins + o) * stride + g * kQuantities + k];
      add_quantities(total_, lag, g, q.data());
      if (active[o]->block == block) add_quantities(blocks_[block], lag, g, q.data());
    }
  }
}

double MsdAccumulator::mean_temperature() const {
  return temperature_count_ > 0 ? temperature_sum_ / temperature_count_ : NAN;
}

double MsdAccumulator::mean_volume() const { return samples_ > 0 ? volume_sum_ / samples_ : NAN; }

std::size_t MsdAccumulator::memory_bytes() const {
  std::size_t bytes = 0;
  for (const Origin& o : ring_)
    bytes += (o.x.capacity() + o.y.capacity() + o.z.capacity()) * sizeof(double) +
             o.slab.capacity() * sizeof(std::int16_t) + o.left.capacity();
  const auto table = [](const MsdTable& t) {
    return t.sum.capacity() * sizeof(double) +
           (t.pairs.capacity() + t.left_ever.capacity() + t.left_now.capacity()) *
               sizeof(std::int64_t);
  };
  bytes += table(total_);
  for (const MsdTable& b : blocks_) bytes += table(b);
  bytes +=
      (cx_.capacity() + cy_.capacity() + cz_.capacity() + partial_.capacity()) * sizeof(double);
  bytes += (unwrapped_.x.capacity() * 3) * sizeof(double);
  bytes += tracked_.capacity() * sizeof(int) + cslab_.capacity() * sizeof(std::int16_t);
  return bytes;
}

// --- checkpoint ---------------------------------------------------------------------------------

namespace {

void save_table(h5::File& f, const std::string& at, const MsdTable& t) {
  const auto lags = static_cast<std::uint64_t>(t.lags),
             groups = static_cast<std::uint64_t>(t.groups);
  f.write(at + "/sum", t.sum, {lags, groups, kMsdComponents});
  f.write(at + "/pairs", t.pairs, {lags, groups});
  f.write(at + "/left_ever", t.left_ever, {lags, groups});
  f.write(at + "/left_now", t.left_now, {lags, groups});
}

void restore_table(const h5::File& f, const std::string& at, MsdTable& t) {
  auto sum = f.read_doubles(at + "/sum").data;
  auto pairs = f.read_ints(at + "/pairs").data;
  if (sum.size() != t.sum.size() || pairs.size() != t.pairs.size())
    throw InputError(f.path() + ":" + at,
                     "the MSD checkpoint does not match the [analysis.msd] settings");
  t.sum = std::move(sum);
  t.pairs = std::move(pairs);
  t.left_ever = f.read_ints(at + "/left_ever").data;
  t.left_now = f.read_ints(at + "/left_now").data;
}

}  // namespace

void MsdAccumulator::save_state(h5::File& f, const std::string& group) const {
  f.create_group(group);
  f.set_attr(group, "samples", static_cast<std::int64_t>(samples_));
  f.set_attr(group, "origins_created", static_cast<std::int64_t>(origins_created_));
  f.set_attr(group, "temperature_sum", temperature_sum_);
  f.set_attr(group, "temperature_count", static_cast<std::int64_t>(temperature_count_));
  f.set_attr(group, "volume_sum", volume_sum_);
  f.set_attr(group, "origin_slots", static_cast<std::int64_t>(ring_.size()));
  save_table(f, group + "/total", total_);
  for (std::size_t b = 0; b < blocks_.size(); ++b)
    save_table(f, fmt::format("{}/block{}", group, b), blocks_[b]);
  for (std::size_t s = 0; s < ring_.size(); ++s) {
    const Origin& o = ring_[s];
    const std::string at = fmt::format("{}/origin{}", group, s);
    f.create_group(at);
    f.set_attr(at, "sample", static_cast<std::int64_t>(o.sample));
    f.set_attr(at, "block", static_cast<std::int64_t>(o.block));
    if (o.sample < 0) continue;
    const auto n = static_cast<std::uint64_t>(o.x.size());
    f.write(at + "/x", o.x, {n});
    f.write(at + "/y", o.y, {n});
    f.write(at + "/z", o.z, {n});
    f.write(at + "/slab", widen(o.slab), {o.slab.size()});
    f.write(at + "/left", widen(o.left), {o.left.size()});
  }
}

void MsdAccumulator::restore_state(const h5::File& f, const std::string& group) {
  if (f.attr_int(group, "origin_slots") != static_cast<std::int64_t>(ring_.size()))
    throw InputError(f.path() + ":" + group,
                     "the MSD checkpoint does not match the [analysis.msd] settings");
  restore_table(f, group + "/total", total_);
  for (std::size_t b = 0; b < blocks_.size(); ++b)
    restore_table(f, fmt::format("{}/block{}", group, b), blocks_[b]);
  for (std::size_t s = 0; s < ring_.size(); ++s) {
    Origin& o = ring_[s];
    const std::string at = fmt::format("{}/origin{}", group, s);
    o.sample = f.attr_int(at, "sample");
    o.block = static_cast<int>(f.attr_int(at, "block"));
    if (o.sample < 0) continue;
    o.x = f.read_doubles(at + "/x").data;
    o.y = f.read_doubles(at + "/y").data;
    o.z = f.read_doubles(at + "/z").data;
    narrow(f.read_ints(at + "/slab").data, o.slab);
    narrow(f.read_ints(at + "/left").data, o.left);
  }
  samples_ = f.attr_int(group, "samples");
  origins_created_ = f.attr_int(group, "origins_created");
  temperature_sum_ = f.attr_double(group, "temperature_sum");
  temperature_count_ = f.attr_int(group, "temperature_count");
  volume_sum_ = f.attr_double(group, "volume_sum");
}

}  // namespace mdgpu
