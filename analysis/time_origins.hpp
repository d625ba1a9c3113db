// What the time-correlation accumulators (MSD, VACF) share: the analysed atoms, species by species,
// and a ring of time origins taken every `origin_every` samples and kept while their lag is at most
// `max_lag` samples.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/system.hpp"

namespace mdgpu {

// The atoms whose type maps to group 0, 1, ... of `group_of_type` (-1: not analysed), in that
// order; group g is atoms[begin[g] .. begin[g + 1]).
inline void atoms_by_species(const System& system, const std::vector<int>& group_of_type,
                             std::size_t groups, std::vector<int>& atoms,
                             std::vector<std::size_t>& begin) {
  for (std::size_t g = 0; g < groups; ++g) {
    begin.push_back(atoms.size());
    for (std::size_t i = 0; i < system.size(); ++i)
      if (group_of_type[system.type[i]] == static_cast<int>(g)) atoms.push_back(static_cast<int>(i));
  }
  begin.push_back(atoms.size());
}

// Frees the origins (anything with a `sample`, -1 when free) that sample `k` is more than `max_lag`
// past, and returns the slot for a new origin when `k` is an origin sample (nullptr otherwise). The
// ring has max_lag / origin_every + 1 slots, so one is always free then.
template <class Origin>
Origin* next_origin(std::vector<Origin>& ring, std::int64_t k, int max_lag, int origin_every) {
  for (Origin& o : ring)
    if (o.sample >= 0 && k - o.sample > max_lag) o.sample = -1;
  if (k % origin_every != 0) return nullptr;
  Origin& o = *std::find_if(ring.begin(), ring.end(), [](const Origin& s) { return s.sample < 0; });
  o.sample = k;
  return &o;
}

// InputError at `where` when the ring (max_lag / origin_every + 1 origins of `atoms` atoms at
// `bytes_per_origin_atom` each) and `bytes_per_lag` of sums for each of the max_lag + 1 lags would
// need more memory than the machine has: the number is given at start-up instead of an allocation
// failing mid-run.
void check_correlation_memory(int max_lag, int origin_every, std::size_t atoms,
                              double bytes_per_origin_atom, double bytes_per_lag,
                              const std::string& where);

}  // namespace mdgpu
