// On-the-fly velocity autocorrelation per species, C(t) = <v_i(t0) · v_i(t0 + t)> averaged over
// the atoms of the species and over time origins taken every `origin_every` samples and kept while
// their lag is at most `max_lag` samples (at most max_lag / origin_every + 1 copies of the
// velocities held). Its state goes into checkpoints, so a restarted run continues bit for bit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/system.hpp"

namespace mdgpu {
namespace h5 {
class File;
}

struct VacfSetup {
  std::vector<std::string> species;  // one group each
  std::vector<int> group_of_type;    // type -> species group, -1 when not analysed
  double sample_interval = 0.0;      // ps
  int max_lag = 0;                   // samples
  int origin_every = 1;              // samples
};

class VacfAccumulator {
public:
  explicit VacfAccumulator(VacfSetup setup);

  void add_sample(const System& system);  // velocities in Å/ps

  const VacfSetup& setup() const { return setup_; }
  // C(lag) of species group `group` in Å²/ps², NaN without pairs.
  double vacf(int lag, int group) const;
  std::int64_t pairs(int lag, int group) const { return pairs_[at(lag, group)]; }
  std::int64_t samples_seen() const { return samples_; }
  int atoms(int group) const {
    return static_cast<int>(group_begin_[group + 1] - group_begin_[group]);
  }

  void save_state(h5::File& file, const std::string& group) const;
  void restore_state(const h5::File& file, const std::string& group);

private:
  std::size_t at(int lag, int group) const {
    return static_cast<std::size_t>(lag) * setup_.species.size() + group;
  }
  struct Origin {
    std::int64_t sample = -1;  // -1: free slot
    std::vector<double> v;     // tracked atoms' velocities, x y z interleaved
  };

  VacfSetup setup_;
  std::vector<int> tracked_;              // atom indices, species by species
  std::vector<std::size_t> group_begin_;  // where each species group starts in tracked_
  std::vector<double> sum_;               // [lag][group], Å²/ps²
  std::vector<std::int64_t> pairs_;       // [lag][group]
  std::vector<Origin> ring_;
  std::vector<double> current_;  // tracked velocities of this sample
  std::int64_t samples_ = 0;
};

}  // namespace mdgpu
