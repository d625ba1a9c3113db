#include "engine/cell_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <variant>

#include "core/errors.hpp"
#include "core/hdf5_file.hpp"
#include "core/units.hpp"

namespace mdgpu {
namespace {

bool moves_cell(const StageSpec& stage) {
  if (std::holds_alternative<NptStage>(stage.kind)) return true;
  const auto* minimize = std::get_if<MinimizeStage>(&stage.kind);
  return minimize && minimize->relax_cell;
}

}  // namespace

CellReport::CellReport(const std::vector<StageSpec>& stages, const System& system,
                       std::int64_t every, std::function<void(const std::string&)> log)
    : stages_(stages), every_(every), log_(std::move(log)) {
  for (std::size_t i = 0; i < system.size(); ++i) mass_ += system.mass(i);
}

bool CellReport::wanted(const std::vector<StageSpec>& stages) {
  return std::any_of(stages.begin(), stages.end(), moves_cell);
}

void CellReport::observe(const Snapshot& snapshot) {
  const ThermoSample& t = snapshot.thermo();
  const auto it = std::find_if(stages_.begin(), stages_.end(),
                               [&](const StageSpec& s) { return s.name == t.stage; });
  const int stage = static_cast<int>(it - stages_.begin());
  if (stage != stage_) report();
  if (it == stages_.end() || !moves_cell(*it) || !std::isfinite(t.volume)) return;
  stage_ = stage;
  samples_ += 1;
  sum_volume_ += t.volume;
  sum_volume2_ += t.volume * t.volume;
  last_volume_ = t.volume;
}

void CellReport::report() {
  if (stage_ < 0 || samples_ == 0) {
    stage_ = -1;
    return;
  }
  const StageSpec& stage = stages_[static_cast<std::size_t>(stage_)];
  const auto density = [this](double volume) { return mass_ / volume * units::kAmuPerA3ToGPerCm3; };
  if (has_clock(stage)) {
    const double mean = sum_volume_ / samples_;
    const double spread = std::sqrt(std::max(0.0, sum_volume2_ / samples_ - mean * mean));
    log_(fmt::format("stage '{}' (NPT): mean density {:.4f} g/cm³, volume {:.6g} Å³ (standard "
                     "deviation of the {} samples {:.3g} Å³; correlated, not an error bar); at "
                     "its end {:.4f} g/cm³",
                     stage.name, density(mean), mean, static_cast<std::int64_t>(samples_), spread,
                     density(last_volume_)));
  } else {
    log_(fmt::format("stage '{}' (cell relaxation): density {:.4f} g/cm³, volume {:.6g} Å³",
                     stage.name, density(last_volume_), last_volume_));
  }
  stage_ = -1;
  samples_ = sum_volume_ = sum_volume2_ = last_volume_ = 0.0;
}

void CellReport::save_state(h5::File& file, const std::string& group) const {
  file.create_group(group);
  file.write(group + "/stage", std::vector<std::int64_t>{stage_}, {1});
  file.write(group + "/sums", std::vector<double>{samples_, sum_volume_, sum_volume2_, last_volume_},
             {4});
}

void CellReport::restore_state(const h5::File& file, const std::string& group) {
  const auto stage = file.read_ints(group + "/stage").data;
  const auto sums = file.read_doubles(group + "/sums").data;
  if (stage.size() != 1 || sums.size() != 4 || stage[0] < -1 ||
      stage[0] >= static_cast<std::int64_t>(stages_.size()))
    throw InputError(file.path() + ":" + group, "the density report's state does not fit the input");
  stage_ = static_cast<int>(stage[0]);
  samples_ = sums[0], sum_volume_ = sums[1], sum_volume2_ = sums[2], last_volume_ = sums[3];
}

}  // namespace mdgpu
