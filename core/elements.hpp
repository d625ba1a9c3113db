// Periodic table lookups: chemical symbol -> atomic number and standard atomic weight (IUPAC 2016).
#pragma once

#include <optional>
#include <string>

namespace mdgpu {

struct Element {
  const char* symbol;
  int number;
  double mass;  // amu
};

// nullopt when `symbol` is not an element (case-sensitive: "Li", not "LI").
std::optional<Element> find_element(const std::string& symbol);
// nullopt when no element has atomic number `number`.
std::optional<Element> find_element(int number);

}  // namespace mdgpu
