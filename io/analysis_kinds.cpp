#include "io/analysis_kinds.hpp"

#include <algorithm>
#include <stdexcept>

#include "io/kinds/analysis_reading.hpp"
#include "io/output_claims.hpp"
#include "io/toml_section.hpp"

namespace mdgpu {

// Each defined in io/kinds/<kind>_analysis_kind.cpp.
AnalysisKind msd_analysis_kind();
AnalysisKind rdf_analysis_kind();
AnalysisKind motifs_analysis_kind();
AnalysisKind profile_analysis_kind();
AnalysisKind vdos_analysis_kind();

const std::vector<AnalysisKind>& analysis_kinds() {
  static const std::vector<AnalysisKind> kinds{
      msd_analysis_kind(),
      rdf_analysis_kind(),
      motifs_analysis_kind(),
      profile_analysis_kind(),
      vdos_analysis_kind(),
  };
  return kinds;
}

const AnalysisKind& kind_of(const AnalysisSpec& spec) {
  for (const AnalysisKind& kind : analysis_kinds())
    if (kind.holds(spec)) return kind;
  throw std::logic_error("kind_of: an AnalysisSpec alternative has no entry in analysis_kinds()");
}

const AnalysisKind* find_analysis_kind(std::string_view name) {
  for (const AnalysisKind& kind : analysis_kinds())
    if (kind.name == name) return &kind;
  return nullptr;
}

std::vector<std::filesystem::path> analysis_outputs(const AnalysisKind& kind,
                                                    const std::filesystem::path& prefix) {
  std::vector<std::filesystem::path> out;
  for (std::string_view suffix : kind.outputs)
    out.emplace_back(prefix.string() + std::string(suffix));
  return out;
}

namespace {

// Keys every analysis table has: every, path, stages. The output prefix defaults to the kind's
// name.
AnalysisCommon read_common(const Section& s, const AnalysisContext& ctx, const AnalysisKind& kind) {
  AnalysisCommon c;
  std::string table_path = s.key_path("");
  if (!table_path.empty()) table_path.pop_back();  // the '.' before the (empty) key
  c.table = where(s.source(), s.line(), table_path);
  c.key_prefix = c.table + (table_path.empty() ? ": " : ".");
  for (auto&& [key, value] : s.table())
    c.where[std::string(key.str())] =
        where(s.source(), s.line_of(key.str()), s.key_path(key.str()));
  c.every = s.integer("every", 1).value_or(ctx.stages ? kind.every : 1);
  c.path = ctx.paths ? ctx.paths->claim(s, "path", kind.name).string()
                     : s.string("path").value_or(std::string(kind.name));
  if (!ctx.stages) {
    s.reject({"stages"}, "applies only to the [analysis] tables of an input file");
    return c;
  }
  c.stages = string_list(s, "stages").value_or(std::vector<std::string>{});
  for (const std::string& name : c.stages) {
    const auto known = std::find_if(ctx.stages->begin(), ctx.stages->end(),
                                    [&](const StageSpec& st) { return st.name == name; });
    if (known == ctx.stages->end()) {
      std::vector<std::string> names;
      for (const StageSpec& st : *ctx.stages) names.push_back(st.name);
      s.fail("stages",
             fmt::format("no stage is named '{}' (stages: {})", name, fmt::join(names, ", ")));
    }
  }
  return c;
}

}  // namespace

AnalysisSpec read_analysis(const AnalysisKind& kind, const Section& s, const AnalysisContext& ctx) {
  Words keys{"every", "path", "stages"};
  keys.insert(keys.end(), kind.keys.begin(), kind.keys.end());
  s.allow(keys);
  return kind.read(s, ctx, read_common(s, ctx, kind));
}

std::vector<AnalysisSpec> read_analyses(const Section& root, const std::vector<StageSpec>& stages,
                                        OutputPaths& paths) {
  const Section s = root.section("analysis", "[analysis]");
  Words names;
  for (const AnalysisKind& kind : analysis_kinds()) names.push_back(kind.name);
  s.allow(names);
  const AnalysisContext ctx{&stages, &paths};
  std::vector<AnalysisSpec> analyses;
  for (const AnalysisKind& kind : analysis_kinds())
    if (s.has(kind.name))
      analyses.push_back(
          read_analysis(kind, s.section(kind.name, fmt::format("[analysis.{}]", kind.name)), ctx));
  return analyses;
}

}  // namespace mdgpu
