// The on-the-fly analyses an input file may ask for in its [analysis.<name>] tables (and
// `mdgpu analyze <name>` runs over a trajectory), each one entry of a registry: its name, keys,
// reader (shared by both), the files it writes and the pair list it needs. A kind's entry lives in
// one file of io/kinds/ and is listed in io/analysis_kinds.cpp; its spec struct is an alternative
// of AnalysisSpec (io/analysis_specs.hpp) and its analysis an overload of analysis_for
// (analysis/frame_analysis.hpp). docs/adding_a_kind.md walks through adding one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/md_plan.hpp"
#include "io/analysis_specs.hpp"

namespace mdgpu {

class Section;      // io/toml_section.hpp
class OutputPaths;  // io/output_claims.hpp

// Where an analysis table sits: in an input file (with its stages and output paths) or on the
// command line of `mdgpu analyze` (both null).
struct AnalysisContext {
  const std::vector<StageSpec>* stages = nullptr;
  OutputPaths* paths = nullptr;
};

// A pair list an analysis builds: radius 0 for none. `key` names the setting that sets the
// radius, `what` the list in the memory estimate's message.
struct AnalysisPairList {
  double radius = 0.0;
  std::string_view key;
  std::string_view what;
};

struct AnalysisKind {
  std::string_view name;                  // [analysis.<name>], `mdgpu analyze <name>`, its
                                          // default output prefix and checkpoint group
  std::int64_t every;                     // default steps between samples in a run (`mdgpu
                                          // analyze` takes every frame)
  std::vector<std::string_view> keys;     // its keys besides every, path and stages
  std::vector<std::string_view> outputs;  // the files it writes: suffixes of its prefix
  bool unwrapped;  // reads a trajectory's coordinates unwrapped (image counters)
  bool (*holds)(const AnalysisSpec&);
  // Reads the table into a spec whose keys every analysis has (`common`) are read already.
  AnalysisSpec (*read)(const Section&, const AnalysisContext&, const AnalysisCommon& common);
  AnalysisPairList (*pair_list)(const AnalysisSpec&);
};

// Every kind, in the order they are read, run, described and listed in messages.
const std::vector<AnalysisKind>& analysis_kinds();
const AnalysisKind& kind_of(const AnalysisSpec& spec);
const AnalysisKind* find_analysis_kind(std::string_view name);  // nullptr when none is so named

// The files the analysis of `kind` writes under `prefix`.
std::vector<std::filesystem::path> analysis_outputs(const AnalysisKind& kind,
                                                    const std::filesystem::path& prefix);

// The [analysis] table of an input file: its sub-tables in registry order.
std::vector<AnalysisSpec> read_analyses(const Section& root, const std::vector<StageSpec>& stages,
                                        OutputPaths& paths);

// One analysis table of `kind` (an [analysis.<name>] table, or the options of `mdgpu analyze`).
AnalysisSpec read_analysis(const AnalysisKind& kind, const Section& s, const AnalysisContext& ctx);

// The entry of a kind written as a struct K of statics: `using Spec` (its AnalysisSpec
// alternative), `name`, `every`, `unwrapped`, `keys()`, `outputs()`, and typed `pair_list` and
// `read(const Section&, const AnalysisContext&, Spec&)`, which fills a spec whose `common` is
// read; see io/kinds/rdf_analysis_kind.cpp.
template <class K>
AnalysisKind analysis_kind() {
  using Spec = typename K::Spec;
  return {K::name,
          K::every,
          K::keys(),
          K::outputs(),
          K::unwrapped,
          [](const AnalysisSpec& a) { return std::holds_alternative<Spec>(a); },
          [](const Section& s, const AnalysisContext& ctx, const AnalysisCommon& common) {
            Spec spec;
            spec.common = common;
            K::read(s, ctx, spec);
            return AnalysisSpec(std::move(spec));
          },
          [](const AnalysisSpec& a) { return K::pair_list(std::get<Spec>(a)); }};
}

}  // namespace mdgpu
