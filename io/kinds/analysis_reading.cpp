#include "io/kinds/analysis_reading.hpp"

#include <algorithm>
#include <limits>

namespace mdgpu {

std::optional<std::vector<std::string>> string_list(const Section& s, std::string_view key) {
  const toml::node* n = s.node(key);
  if (!n) return std::nullopt;
  if (n->is_string()) return std::vector<std::string>{*s.string(key)};
  const toml::array* a = n->as_array();
  std::vector<std::string> out;
  for (std::size_t i = 0; a && i < a->size(); ++i) {
    if (!(*a)[i].is_string()) a = nullptr;
    else out.push_back((*a)[i].as_string()->get());
  }
  if (!a) s.fail(key, fmt::format("expected a string or an array of strings, got {}", got(*n)));
  for (auto it = out.begin(); it != out.end(); ++it)
    if (std::find(out.begin(), it, *it) != it) s.fail(key, fmt::format("'{}' is listed twice", *it));
  return out;
}

std::vector<std::string> species_list(const Section& s, std::string_view key) {
  std::vector<std::string> out = string_list(s, key).value_or(std::vector<std::string>{});
  for (const std::string& symbol : out) check_element(s, key, symbol);
  return out;
}

std::optional<double> window_ps(const Section& s, std::string_view key, const AnalysisContext& ctx,
                                std::int64_t every) {
  const auto t = s.number(key, Rule::Positive);
  for (std::size_t k = 0; t && ctx.stages && k < ctx.stages->size(); ++k) {
    if (!has_clock((*ctx.stages)[k])) continue;
    const double intervals = *t / (static_cast<double>(every) * (*ctx.stages)[k].timestep);
    if (intervals > std::numeric_limits<int>::max())
      s.fail(key, fmt::format("{:g} ps is {:.3g} sampling intervals of stage[{}]; at most {}", *t,
                              intervals, k + 1, std::numeric_limits<int>::max()));
  }
  return t;
}

}  // namespace mdgpu
