#include "engine/nose_hoover_chain.hpp"

#include <stdexcept>

namespace mdgpu {

NoseHooverChainState chain_at_rest(int length, double tdamp, int substeps, bool light_first) {
  if (length < 1 || length > kMaxChainElements) throw std::logic_error("Nosé–Hoover chain length out of range");
  NoseHooverChainState c;
  c.length = length;
  c.substeps = substeps;
  c.light_first = light_first ? 1 : 0;
  c.tdamp = tdamp;
  return c;
}

std::vector<double> chain_values(const NoseHooverChainState& c) {
  std::vector<double> v(c.xi, c.xi + c.length);
  v.insert(v.end(), c.vxi, c.vxi + c.length);
  return v;
}

bool chain_from(const std::vector<double>& values, NoseHooverChainState& c) {
  const auto m = static_cast<std::size_t>(c.length);
  if (values.size() != 2 * m) return false;
  for (std::size_t k = 0; k < m; ++k) c.xi[k] = values[k], c.vxi[k] = values[m + k];
  return true;
}

}  // namespace mdgpu
