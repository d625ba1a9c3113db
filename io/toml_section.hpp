// One table of a TOML input and the typed, range-checked reads every input reader makes of it,
// with messages that name the file, line and key. toml++ is a heavy header: only io/ readers
// (io/config.cpp and the kind readers in io/kinds/) include this.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/errors.hpp"
#include "io/input_files.hpp"

namespace mdgpu {

using Words = std::vector<std::string_view>;

// The valid word nearest to `word`, when it is near enough to be a plausible typo of it.
std::optional<std::string_view> nearest(std::string_view word, const Words& valid);

// '"a", "b" or "c"': the distinct `names`, quoted, in order (at least one).
std::string either(const Words& names);

// "a string ("300")", "an integer", ...: what the user wrote, for "expected X, got Y".
std::string got(const toml::node& node);

struct Source {
  std::string file;  // as messages name it
  std::filesystem::path dir;      // relative structure and model paths resolve against it
  bool numbered = true;  // lines mean something (not for command-line options)
};

// "file:line: key.path", as every input message begins.
std::string where(const Source& src, std::uint32_t line, std::string_view key_path);

// Range rules for numbers; the message states the rule and the value that broke it.
enum class Rule { Any, Positive, NonNegative };

// One TOML table and how messages name it: `path` prefixes key paths ("stage[2]"), `label` names
// the table in prose ("[[stage]] #2"), `line` is where it starts (0 for the document root).
class Section {
public:
  Section(const Source& src, const toml::table& table, std::string path, std::string label,
          std::uint32_t line)
      : src_(&src), table_(&table), path_(std::move(path)), label_(std::move(label)), line_(line) {}

  const Source& source() const { return *src_; }
  const toml::table& table() const { return *table_; }
  std::uint32_t line() const { return line_; }
  std::string key_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
  }
  const toml::node* node(std::string_view key) const { return table_->get(key); }
  bool has(std::string_view key) const { return node(key) != nullptr; }
  std::uint32_t line_of(std::string_view key) const {
    const toml::node* n = node(key);
    return n ? n->source().begin.line : line_;
  }
  // Of two keys both present, the one written later: where a "not both" error points.
  std::string_view later(std::string_view a, std::string_view b) const {
    return line_of(b) >= line_of(a) ? b : a;
  }

  [[noreturn]] void fail(std::string_view key, const std::string& what) const {
    throw InputError(where(*src_, line_of(key), key_path(key)), what);
  }
  [[noreturn]] void fail_here(const std::string& what) const {
    throw InputError(where(*src_, line_, path_), what);
  }
  [[noreturn]] void fail_missing(std::string_view key, std::string_view why = {}) const {
    fail(key, fmt::format("missing required key '{}' in {}{}", key, label_, why));
  }

  // Rejects the first (topmost) key not in `valid`, suggesting the nearest valid one.
  void allow(const Words& valid) const {
    std::optional<std::string_view> unknown;
    for (auto&& [key, value] : *table_) {
      if (std::find(valid.begin(), valid.end(), key.str()) != valid.end()) continue;
      if (!unknown || value.source().begin.line < line_of(*unknown)) unknown = key.str();
    }
    if (!unknown) return;
    const auto guess = nearest(*unknown, valid);
    fail(*unknown, fmt::format("unknown key '{}' in {}; {}", *unknown, label_,
                               guess ? fmt::format("did you mean '{}'?", *guess)
                                     : fmt::format("valid keys: {}", fmt::join(valid, ", "))));
  }

  // Rejects the first of `keys` present: keys that only make sense under another setting.
  void reject(const Words& keys, std::string_view why) const {
    for (std::string_view key : keys)
      if (has(key)) fail(key, fmt::format("'{}' {}", key, why));
  }

  // Typed reads: nullopt when absent, InputError when present with the wrong type or range.
  // Integers are accepted where a number is expected; inf and nan never are.
  std::optional<double> number(std::string_view key, Rule rule = Rule::Any) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    double v = 0.0;
    if (const auto* i = n->as_integer()) {
      v = static_cast<double>(i->get());
    } else if (const auto* f = n->as_floating_point()) {
      v = f->get();
      if (!std::isfinite(v)) fail(key, fmt::format("expected a finite number, got {}", v));
    } else {
      fail(key, fmt::format("expected a number, got {}", got(*n)));
    }
    if (rule == Rule::Positive && !(v > 0)) fail(key, fmt::format("must be > 0, got {}", v));
    if (rule == Rule::NonNegative && v < 0) fail(key, fmt::format("must be >= 0, got {}", v));
    return v;
  }
  double required_number(std::string_view key, Rule rule) const {
    if (!has(key)) fail_missing(key);
    return *number(key, rule);
  }

  std::optional<std::int64_t> integer(
      std::string_view key, std::int64_t min = std::numeric_limits<std::int64_t>::min(),
      std::int64_t max = std::numeric_limits<std::int64_t>::max()) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    const auto* i = n->as_integer();
    if (!i && n->is_floating_point())
      fail(key,
           fmt::format("expected an integer, got a float ({}); write it without a decimal point",
                       n->as_floating_point()->get()));
    if (!i) fail(key, fmt::format("expected an integer, got {}", got(*n)));
    if (i->get() < min) fail(key, fmt::format("must be >= {}, got {}", min, i->get()));
    if (i->get() > max) fail(key, fmt::format("must be <= {}, got {}", max, i->get()));
    return i->get();
  }

  std::optional<bool> boolean(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) fail(key, fmt::format("expected true or false, got {}", got(*n)));
    return n->as_boolean()->get();
  }

  std::optional<std::string> string(std::string_view key) const {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) fail(key, fmt::format("expected a string, got {}", got(*n)));
    if (n->as_string()->get().empty()) fail(key, "must not be empty");
    return n->as_string()->get();
  }

  // A string that must be one of `valid`; `fallback` when absent (required when no fallback).
  std::string choice(std::string_view key, const Words& valid,
                     std::optional<std::string_view> fallback) const {
    const auto value = string(key);
    if (!value && !fallback)
      fail_missing(key, fmt::format(" (one of: {})", fmt::join(valid, ", ")));
    if (!value) return std::string(*fallback);
    if (std::find(valid.begin(), valid.end(), *value) == valid.end()) {
      const auto guess = nearest(*value, valid);
      fail(key, fmt::format("unknown {} '{}'; valid: {}{}", key, *value, fmt::join(valid, ", "),
                            guess ? fmt::format("; did you mean '{}'?", *guess) : ""));
    }
    return *value;
  }

  // A file the run reads: resolved against the input file's directory and checked to exist here,
  // where the message can still point at the line that names it.
  std::filesystem::path existing_file(std::string_view key) const {
    if (!has(key)) fail_missing(key);
    const std::filesystem::path p = std::filesystem::absolute(src_->dir / *string(key)).lexically_normal();
    check_regular_file(p, where(*src_, line_of(key), key_path(key)), "file");
    return p;
  }

  // The sub-table `key`, or an empty one (so that all its defaults apply) when absent.
  Section section(std::string_view key, std::string label) const {
    static const toml::table empty;
    const toml::node* n = node(key);
    if (n && !n->is_table()) fail(key, fmt::format("expected a table, got {}", got(*n)));
    return Section(*src_, n ? *n->as_table() : empty, key_path(key), std::move(label),
                   n ? n->source().begin.line : line_);
  }

  // The entries of an array of tables ([[stage]] or pairs = [{...}, ...]); `label(i)` names
  // entry i (1-based, as in every message).
  std::vector<Section> array_of_tables(std::string_view key,
                                       const std::function<std::string(std::size_t)>& label) const {
    const toml::node* n = node(key);
    if (!n) return {};
    const toml::array* entries = n->as_array();
    if (!entries)
      fail(key,
           fmt::format("expected an array of tables (write [[{}]] with double brackets), got {}",
                       key_path(key), got(*n)));
    std::vector<Section> sections;
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const toml::node& entry = (*entries)[i];
      const std::string path = fmt::format("{}[{}]", key_path(key), i + 1);
      if (!entry.is_table())
        throw InputError(where(*src_, entry.source().begin.line, path),
                         fmt::format("expected a table, got {}", got(entry)));
      sections.emplace_back(*src_, *entry.as_table(), path, label(i + 1),
                            entry.source().begin.line);
    }
    return sections;
  }

private:
  const Source* src_;
  const toml::table* table_;
  std::string path_;
  std::string label_;
  std::uint32_t line_;
};


// Species names are chemical symbols (case-sensitive), as in the structure readers.
void check_element(const Section& s, std::string_view key, const std::string& symbol);

// A time given as `<stem>_fs` or `<stem>_ps` (at most one), > 0, returned in ps.
std::optional<double> time_ps(const Section& s, std::string_view stem);

// An array of finite numbers.
std::optional<std::vector<double>> number_list(const Section& s, std::string_view key);

}  // namespace mdgpu
