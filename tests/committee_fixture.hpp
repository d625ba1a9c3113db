// Committee test members: the small reference model (tools/export_nequip.py) and copies of it with
// perturbed weights (tools/perturb_model.py, one per seed): same architecture and species, other
// weights, as models trained from different seeds would be.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include <fmt/format.h>

#include "nequip_fixture.hpp"

namespace mdgpu::test {

// Seed 0: the exported reference model itself; "" when it cannot be made.
inline std::string committee_member(int seed) {
  const std::string base = exported_model(nequip_small_reference());
  if (seed == 0 || base.empty()) return base;
  static std::map<int, std::string> cache;
  if (auto it = cache.find(seed); it != cache.end()) return it->second;
  // Next to the exported model, in the folder removed when the test process ends.
  const std::string out = fmt::format("{}.seed{}.h5", base, seed);
  const std::string cmd = fmt::format("/usr/bin/python3 {}/tools/perturb_model.py {} -o {} --seed {} --force > {}.log 2>&1",
                                      MDGPU_SOURCE_DIR, base, out, seed, out);
  return cache[seed] = std::system(cmd.c_str()) == 0 ? out : std::string();
}

}  // namespace mdgpu::test
