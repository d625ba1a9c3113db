#include "io/toml_section.hpp"

#include <cctype>

#include "core/elements.hpp"
#include "core/units.hpp"

namespace mdgpu {
namespace {

// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + substitution});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string_view> nearest(std::string_view word, const Words& valid) {
  std::optional<std::string_view> best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (std::string_view candidate : valid) {
    // The distance is at least the difference in length: a megabyte key costs nothing.
    const std::size_t longer = std::max(word.size(), candidate.size());
    if (longer - std::min(word.size(), candidate.size()) >= best_distance) continue;
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance && d < word.size()) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string got(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return fmt::format("a string (\"{}\")", node.as_string()->get());
    case toml::node_type::array:
      return fmt::format("an array of {} element(s)", node.as_array()->size());
    case toml::node_type::table: return "a table";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

std::string either(const Words& names) {
  std::vector<std::string> quoted;
  for (std::string_view name : names) {
    const std::string q = fmt::format("\"{}\"", name);
    if (std::find(quoted.begin(), quoted.end(), q) == quoted.end()) quoted.push_back(q);
  }
  if (quoted.size() == 1) return quoted[0];
  return fmt::format("{} or {}", fmt::join(quoted.begin(), quoted.end() - 1, ", "), quoted.back());
}

std::string where(const Source& src, std::uint32_t line, std::string_view key_path) {
  std::string w = line > 0 && src.numbered ? fmt::format("{}:{}", src.file, line) : src.file;
  if (!key_path.empty()) w += fmt::format(": {}", key_path);
  return w;
}

void check_element(const Section& s, std::string_view key, const std::string& symbol) {
  if (find_element(symbol)) return;
  std::string fixed = symbol;
  std::transform(fixed.begin(), fixed.end(), fixed.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (!fixed.empty())
    fixed[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(fixed[0])));
  s.fail(key,
         fmt::format("'{}' is not a chemical element symbol (symbols are case-sensitive){}", symbol,
                     find_element(fixed) ? fmt::format("; did you mean '{}'?", fixed) : ""));
}

std::optional<double> time_ps(const Section& s, std::string_view stem) {
  const std::string fs_key = fmt::format("{}_fs", stem), ps_key = fmt::format("{}_ps", stem);
  if (s.has(fs_key) && s.has(ps_key))
    s.fail(s.later(fs_key, ps_key), fmt::format("give either {} or {}, not both", fs_key, ps_key));
  if (auto t = s.number(fs_key, Rule::Positive)) return *t * units::kFsToPs;
  return s.number(ps_key, Rule::Positive);
}

std::optional<std::vector<double>> number_list(const Section& s, std::string_view key) {
  const toml::node* n = s.node(key);
  if (!n) return std::nullopt;
  const toml::array* a = n->as_array();
  if (!a) s.fail(key, fmt::format("expected an array of numbers, got {}", got(*n)));
  std::vector<double> out;
  for (const toml::node& e : *a) {
    const auto v = e.value<double>();
    if (!e.is_number() || !v || !std::isfinite(*v))
      s.fail(key, fmt::format("expected an array of finite numbers, found {}", got(e)));
    out.push_back(*v);
  }
  return out;
}

}  // namespace mdgpu
