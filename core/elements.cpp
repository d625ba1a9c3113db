#include "core/elements.hpp"

#include <iterator>

namespace mdgpu {
namespace {
constexpr Element kElements[] = {
#include "core/element_table.inc"
};
}  // namespace

std::optional<Element> find_element(const std::string& symbol) {
  for (const Element& e : kElements)
    if (symbol == e.symbol) return e;
  return std::nullopt;
}

std::optional<Element> find_element(int number) {
  for (const Element& e : kElements)
    if (number == e.number) return e;
  return std::nullopt;
}

}  // namespace mdgpu
