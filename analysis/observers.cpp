#include "analysis/observers.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/frame_analysis.hpp"
#include "core/errors.hpp"
#include "core/hdf5_file.hpp"
#include "io/analysis_kinds.hpp"

namespace mdgpu {
namespace {

// One analysed stage: which steps it samples and where its results go.
struct StagePart {
  std::string stage;
  std::int64_t last_step = 0;  // of its last sample
  Stretch stretch;
  std::filesystem::path prefix;
};

// File names keep letters, digits, '-', '_' and '.' of a stage name.
std::string file_safe(const std::string& name) {
  std::string out = name;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  return out;
}

// The samples of each analysed stage: the steps that are multiples of `every` among its own
// (step 0 belongs to the first stage, a stage's first step to the stage before it).
std::vector<StagePart> stage_parts(const RunPlan& plan, const AnalysisCommon& common) {
  std::vector<StagePart> parts;
  std::int64_t start = 0;
  const std::int64_t every = common.every;
  for (std::size_t k = 0; k < plan.stages.size(); ++k) {
    const StageSpec& stage = plan.stages[k];
    const std::int64_t end = start + stage.steps;
    const std::int64_t first = k == 0 ? 0 : (start / every + 1) * every, last = end / every * every;
    const bool named =
        std::find(common.stages.begin(), common.stages.end(), stage.name) != common.stages.end();
    // A minimisation has no clock to sample (and ends early when it converges): analyses skip it.
    if (named && !has_clock(stage))
      throw InputError(common.at("stages"),
                       fmt::format("stage '{}' is a minimisation: it has no time to sample; leave "
                                   "it out of stages",
                                   stage.name));
    if ((common.stages.empty() && has_clock(stage)) || named) {
      if (last < first)
        throw InputError(common.at("every"),
                         fmt::format("stage '{}' ({} steps) has no sample every {} steps; "
                                     "sample more often or leave it out with stages = [...]",
                                     stage.name, stage.steps, every));
      const Stretch stretch{stage.name, (last - first) / every + 1, every * stage.timestep};
      parts.push_back({stage.name, last, stretch, common.path + "_" + file_safe(stage.name)});
    }
    start = end;
  }
  return parts;
}

class AnalysisObserver final : public Observer {
public:
  AnalysisObserver(std::string_view name, std::int64_t every, std::vector<StagePart> parts,
                   std::vector<std::unique_ptr<FrameAnalysis>> analyses,
                   std::function<void(const std::string&)> log)
      : checkpoint_key_(fmt::format("analysis_{}", name)),
        every_(every),
        parts_(std::move(parts)),
        analyses_(std::move(analyses)),
        samples_(parts_.size(), 0),
        done_(parts_.size(), 0),
        log_(std::move(log)) {}

  std::int64_t every() const override { return every_; }

  void observe(const Snapshot& snapshot) override {
    const ThermoSample& t = snapshot.thermo();
    if (t.step % every_ != 0) return;  // the run's last step is observed off the grid too
    const auto part = std::find_if(parts_.begin(), parts_.end(),
                                   [&](const StagePart& p) { return p.stage == t.stage; });
    if (part == parts_.end()) return;
    const std::size_t k = static_cast<std::size_t>(part - parts_.begin());
    if (done_[k]) return;
    analyses_[k]->add(snapshot.system(), t);
    ++samples_[k];
    if (t.step == part->last_step) write(k);
  }

  void finish() override {  // a stage cut short still gets what it sampled
    for (std::size_t k = 0; k < parts_.size(); ++k)
      if (samples_[k] > 0 && !done_[k]) write(k);
  }

  std::string checkpoint_key() const override { return checkpoint_key_; }

  void save_state(h5::File& file, const std::string& group) const override {
    file.create_group(group);
    file.write(group + "/samples", samples_, {samples_.size()});
    file.write(group + "/done", done_, {done_.size()});
    for (std::size_t k = 0; k < parts_.size(); ++k)
      if (samples_[k] > 0 && !done_[k])
        analyses_[k]->save_state(file, fmt::format("{}/stage{}", group, k));
  }

  void restore_state(const h5::File& file, const std::string& group) override {
    auto samples = file.read_ints(group + "/samples").data;
    if (samples.size() != parts_.size())
      throw InputError(file.path() + ":" + group,
                       "the checkpoint's analysed stages do not match the input");
    samples_ = std::move(samples);
    done_ = file.read_ints(group + "/done").data;
    for (std::size_t k = 0; k < parts_.size(); ++k)
      if (samples_[k] > 0 && !done_[k])
        analyses_[k]->restore_state(file, fmt::format("{}/stage{}", group, k));
  }

private:
  void write(std::size_t k) {
    done_[k] = 1;
    log_(analyses_[k]->write(parts_[k].prefix));
  }

  std::string checkpoint_key_;
  std::int64_t every_;
  std::vector<StagePart> parts_;
  std::vector<std::unique_ptr<FrameAnalysis>> analyses_;
  std::vector<std::int64_t> samples_, done_;
  std::function<void(const std::string&)> log_;
};

}  // namespace

std::vector<std::unique_ptr<Observer>> make_analysis_observers(
    const RunPlan& plan, const System& system, const std::function<void(const std::string&)>& log) {
  std::vector<std::unique_ptr<Observer>> observers;
  for (const AnalysisSpec& spec : plan.analyses) {
    const AnalysisCommon& common = common_of(spec);
    std::vector<StagePart> parts = stage_parts(plan, common);
    std::vector<std::unique_ptr<FrameAnalysis>> analyses;
    for (const StagePart& p : parts) analyses.push_back(make_analysis(spec, system, p.stretch));
    observers.push_back(std::make_unique<AnalysisObserver>(
        kind_of(spec).name, common.every, std::move(parts), std::move(analyses), log));
  }
  return observers;
}

std::vector<std::filesystem::path> analysis_output_paths(const RunPlan& plan) {
  std::vector<std::filesystem::path> paths;
  for (const AnalysisSpec& spec : plan.analyses)
    for (const StagePart& p : stage_parts(plan, common_of(spec)))
      for (auto& f : analysis_outputs(kind_of(spec), p.prefix)) paths.push_back(std::move(f));
  return paths;
}

std::string describe_analyses(const RunPlan& plan) {
  std::string out;
  for (const AnalysisSpec& spec : plan.analyses) {
    const AnalysisCommon& common = common_of(spec);
    std::vector<std::string> prefixes;
    for (const StagePart& p : stage_parts(plan, common)) prefixes.push_back(p.prefix.string());
    out += fmt::format("  {:<11} every {} steps -> {} (.csv, .h5)\n", kind_of(spec).name,
                       common.every, fmt::join(prefixes, ", "));
  }
  return out;
}

}  // namespace mdgpu
