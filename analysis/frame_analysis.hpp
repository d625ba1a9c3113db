// The common shape of the analyses: fed one sample (a frame) at a time over a stretch — a stage of
// a run or a trajectory file — then written out. The in-run observer (analysis/observers) and
// `mdgpu analyze` (app/analyze_command) drive the same objects.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/analysis_specs.hpp"
#include "engine/observer.hpp"
#include "core/system.hpp"

namespace mdgpu {
namespace h5 {
class File;
}

struct Stretch {
  std::string label;             // stage name, or the trajectory file
  std::int64_t samples = 0;      // how many samples it will have
  double sample_interval = 0.0;  // ps between samples

  // The sampling intervals in `ps` (to the nearest, or up to the next whole one). A time past
  // the stretch counts as `samples` intervals, more than it has, so that no time a user gives
  // (1e300 ps) overflows the count.
  enum class Rounding { Nearest, Up };
  int intervals(double ps, Rounding rounding = Rounding::Nearest) const;
};

class FrameAnalysis {
public:
  virtual ~FrameAnalysis() = default;
  // The next sample. `system` carries image counters (unwrapped = r + n·H).
  virtual void add(const System& system, const ThermoSample& sample) = 0;
  // Writes the results under `prefix` (the files its kind's `outputs` name,
  // io/analysis_kinds.hpp) and returns a summary for the log (one line or a short table).
  virtual std::string write(const std::filesystem::path& prefix) const = 0;
  virtual void save_state(h5::File& file, const std::string& group) const = 0;
  virtual void restore_state(const h5::File& file, const std::string& group) = 0;
};

// The analysis `spec` asks for (its overload of analysis_for below).
std::unique_ptr<FrameAnalysis> make_analysis(const AnalysisSpec& spec, const System& system,
                                             const Stretch& stretch);

// The type of `symbol` in `system`; InputError at `where` naming the species present otherwise.
int species_type(const System& system, const std::string& symbol, const std::string& where);

// One overload per AnalysisSpec alternative, each defined beside its analysis (msd_analysis.cpp,
// rdf.cpp, ...): validates the spec against the first sample's structure and the stretch
// (InputError naming the key) and returns the analysis, ready for samples. make_analysis visits
// the variant, so a kind without an overload does not compile.
std::unique_ptr<FrameAnalysis> analysis_for(const MsdSpec& spec, const System& system,
                                            const Stretch& stretch);
std::unique_ptr<FrameAnalysis> analysis_for(const RdfSpec& spec, const System& system,
                                            const Stretch& stretch);
std::unique_ptr<FrameAnalysis> analysis_for(const MotifSpec& spec, const System& system,
                                            const Stretch& stretch);
std::unique_ptr<FrameAnalysis> analysis_for(const ProfileSpec& spec, const System& system,
                                            const Stretch& stretch);
std::unique_ptr<FrameAnalysis> analysis_for(const VdosSpec& spec, const System& system,
                                            const Stretch& stretch);

}  // namespace mdgpu
