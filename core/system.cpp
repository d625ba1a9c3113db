#include "core/system.hpp"

#include <fmt/format.h>

#include "core/elements.hpp"
#include "core/errors.hpp"

namespace mdgpu {

int System::species_index(const std::string& symbol, const std::string& where) {
  for (std::size_t t = 0; t < species.size(); ++t)
    if (species[t] == symbol) return static_cast<int>(t);
  const auto element = find_element(symbol);
  if (!element) throw InputError(where, fmt::format("unknown element '{}'", symbol));
  species.push_back(symbol);
  species_mass.push_back(element->mass);
  return static_cast<int>(species.size() - 1);
}

void System::add_atom(const std::string& symbol, double rx, double ry, double rz,
                      const std::string& where) {
  type.push_back(species_index(symbol, where));
  positions.x.push_back(rx);
  positions.y.push_back(ry);
  positions.z.push_back(rz);
  velocities.x.push_back(0.0);
  velocities.y.push_back(0.0);
  velocities.z.push_back(0.0);
  for (auto& im : image) im.push_back(0);
}

}  // namespace mdgpu
