// On-the-fly mean-square displacement with multiple time origins and bounded memory.
//
// Samples come every `sample_interval` ps. A time origin is taken every `origin_every` samples
// and kept while its lag is at most `max_lag` samples, so at most max_lag / origin_every + 1
// copies of the tracked atoms' positions are held. Positions are unwrapped (r + n·H); with drift
// removal the framework's centre-of-mass displacement is subtracted.
//
// Groups: one per diffusing species and, with slabs, one per species and slab; an atom belongs to
// the slab it occupies at the time origin, and the pairs whose atom has been (left_ever) or is
// (left_now) in another slab at the end of the lag are counted. Components: Cartesian x, y, z;
// along the unit cell vectors a, b, c; the plane perpendicular to c (ab); total.
//
// Sums are kept for the whole stretch and separately for `blocks` consecutive blocks of samples
// that use only pairs of samples inside the block (independent estimates for the error of D).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/slabs.hpp"
#include "core/system.hpp"

namespace mdgpu {
namespace h5 {
class File;
}

enum MsdComponent { kMsdX, kMsdY, kMsdZ, kMsdA, kMsdB, kMsdC, kMsdAB, kMsdTotal, kMsdComponents };
inline constexpr std::array<const char*, kMsdComponents> kMsdComponentNames = {
    "x", "y", "z", "a", "b", "c", "ab", "total"};
inline constexpr std::array<int, kMsdComponents> kMsdDimensions = {1, 1, 1, 1, 1, 1, 2, 3};

// The MSD settings resolved against a structure and a stretch of samples (msd_analysis.cpp).
struct MsdSetup {
  std::vector<std::string> species;  // diffusing species, one group each
  std::vector<int> group_of_type;    // type -> species group, -1 when not diffusing
  std::vector<bool> framework_type;  // type -> in the framework whose drift is removed
  bool remove_drift = false;
  std::optional<Slabs> slabs;
  double sample_interval = 0.0;  // ps
  int max_lag = 0;               // samples
  int origin_every = 1;          // samples
  int blocks = 1;
  std::int64_t samples = 0;  // expected in the stretch (sets the block boundaries)

  int slab_count() const { return slabs ? slabs->count() : 0; }
  int groups() const { return static_cast<int>(species.size()) * (1 + slab_count()); }
  int group_index(int species_group, int slab) const {  // slab -1: the whole species
    return species_group * (1 + slab_count()) + 1 + slab;
  }
  std::string group_name(int group) const;  // "Li", "Li_slab2" (slabs counted from 1)
};

// Sums over (time origin, atom) pairs, per lag and group.
struct MsdTable {
  int lags = 0, groups = 0;
  std::vector<double> sum;              // [lag][group][component], Å²
  std::vector<std::int64_t> pairs;      // [lag][group]
  std::vector<std::int64_t> left_ever;  // [lag][group], slab groups only
  std::vector<std::int64_t> left_now;

  void resize(int lags, int groups);
  std::size_t at(int lag, int group) const {
    return static_cast<std::size_t>(lag) * groups + group;
  }
  double msd(int lag, int group, int component) const {  // NaN without pairs
    const std::int64_t n = pairs[at(lag, group)];
    return n > 0 ? sum[at(lag, group) * kMsdComponents + component] / n : NAN;
  }
};

class MsdAccumulator {
public:
  explicit MsdAccumulator(MsdSetup setup);

  // The next sample: positions with image counters; `temperature` (K) is averaged when finite.
  void add_sample(const System& system, double temperature);

  const MsdSetup& setup() const { return setup_; }
  const MsdTable& total() const { return total_; }
  const std::vector<MsdTable>& blocks() const { return blocks_; }
  std::int64_t samples_seen() const { return samples_; }
  std::int64_t origins() const { return origins_created_; }
  double mean_temperature() const;  // NaN when no sample had one
  double mean_volume() const;       // Å³
  // Bytes held for time origins and sums (what grows with atoms and lags).
  std::size_t memory_bytes() const;

  void save_state(h5::File& file, const std::string& group) const;
  void restore_state(const h5::File& file, const std::string& group);

private:
  struct Origin {
    std::int64_t sample = -1;  // -1: free slot
    int block = 0;
    std::vector<double> x, y, z;     // tracked atoms, drift-corrected unwrapped, Å
    std::vector<std::int16_t> slab;  // slab at the origin, -1 for none
    std::vector<std::uint8_t> left;  // has been in another slab since the origin
  };
  int block_of(std::int64_t sample) const;
  void current_positions(const System& system);
  void accumulate(const std::vector<Origin*>& active, const System& system);

  MsdSetup setup_;
  std::vector<int> tracked_;              // atom indices of the diffusing species, by species
  std::vector<std::size_t> group_begin_;  // where each species group starts in tracked_
  MsdTable total_;
  std::vector<MsdTable> blocks_;
  std::vector<Origin> ring_;
  std::vector<double> cx_, cy_, cz_;  // current tracked positions (drift-corrected)
  std::vector<std::int16_t> cslab_;   // current slab of the tracked atoms
  Vec3Array unwrapped_;               // scratch
  std::vector<double> partial_;       // per-chunk sums (deterministic reduction)
  std::int64_t samples_ = 0, origins_created_ = 0;
  double temperature_sum_ = 0.0, volume_sum_ = 0.0;
  std::int64_t temperature_count_ = 0;
};

}  // namespace mdgpu
