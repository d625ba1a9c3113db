#include "analysis/time_origins.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/machine_memory.hpp"

namespace mdgpu {

void check_correlation_memory(int max_lag, int origin_every, std::size_t atoms,
                              double bytes_per_origin_atom, double bytes_per_lag,
                              const std::string& where) {
  const double origins = max_lag / origin_every + 1.0;
  const double bytes =
      origins * static_cast<double>(atoms) * bytes_per_origin_atom + (max_lag + 1.0) * bytes_per_lag;
  const double available = static_cast<double>(machine_memory_bytes());
  if (!(bytes < available))
    throw InputError(where, fmt::format("{:.0f} time origins of {} atoms and {} lags would need about "
                                        "{:.3g} GB, more than this machine's {:.3g} GB of memory; "
                                        "space the origins wider or shorten the max lag",
                                        origins, atoms, max_lag + 1, bytes / 1e9, available / 1e9));
}

}  // namespace mdgpu
