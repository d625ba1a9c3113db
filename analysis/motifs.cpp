#include "analysis/motifs.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/frame_analysis.hpp"
#include "analysis/output_files.hpp"
#include "core/errors.hpp"
#include "core/hdf5_file.hpp"

namespace mdgpu {
namespace {

int find_root(std::vector<int>& parent, int i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

}  // namespace

MotifCounter::MotifCounter(int p, int o, int n, double p_o_cutoff, double p_n_cutoff)
    : p_type_(p),
      o_type_(o),
      n_type_(n),
      p_o_cutoff_(p_o_cutoff),
      p_n_cutoff_(p_n_cutoff),
      finder_(std::max(p_o_cutoff, p_n_cutoff)) {}

MotifCounts MotifCounter::count(const System& system) {
  const std::size_t atoms = system.size();
  const std::vector<int>& type = system.type;
  std::vector<std::vector<int>> anions(atoms);  // of each P: its bonded O and N (one per image)
  std::vector<int> p_bonds(atoms, 0);           // of each anion: bonds to P
  finder_.build(system);
  finder_.for_each([&](int i, int j, double r) {
    if (type[i] != p_type_) return;
    if ((type[j] == o_type_ && r < p_o_cutoff_) || (type[j] == n_type_ && r < p_n_cutoff_)) {
      anions[i].push_back(j);
      ++p_bonds[j];
    }
  });

  // P units: P joined through bridging anions.
  std::vector<int> parent(atoms), first_p(atoms, -1);
  std::iota(parent.begin(), parent.end(), 0);
  for (std::size_t i = 0; i < atoms; ++i)
    for (int j : anions[i]) {
      if (p_bonds[j] < 2) continue;
      if (first_p[j] < 0) first_p[j] = static_cast<int>(i);
      parent[find_root(parent, static_cast<int>(i))] = find_root(parent, first_p[j]);
    }
  std::map<int, std::vector<int>> units;
  for (std::size_t i = 0; i < atoms; ++i)
    if (type[i] == p_type_) units[find_root(parent, static_cast<int>(i))].push_back(static_cast<int>(i));

  MotifCounts c{};
  const auto count_type = [&](int i, int t) {
    return std::count_if(anions[i].begin(), anions[i].end(), [&](int j) { return type[j] == t; });
  };
  for (const auto& [root, members] : units) {
    if (members.size() == 1) {
      const int i = members[0];
      const auto o = count_type(i, o_type_), n = count_type(i, n_type_);
      if (o == 4 && n == 0)
        ++c[kPO4];
      else if (o == 3 && n == 1)
        ++c[kPO3N];
      else
        ++c[kPOther];
      continue;
    }
    if (members.size() == 2) {
      const std::vector<int>& a = anions[members[0]];
      const std::vector<int>& b = anions[members[1]];
      std::vector<int> shared;
      for (int j : a)
        if (std::find(b.begin(), b.end(), j) != b.end()) shared.push_back(j);
      const auto terminal_o = [&](const std::vector<int>& list) {
        return std::all_of(list.begin(), list.end(), [&](int j) {
          return j == shared[0] || (type[j] == o_type_ && p_bonds[j] == 1);
        });
      };
      if (a.size() == 4 && b.size() == 4 && shared.size() == 1 && p_bonds[shared[0]] == 2 &&
          terminal_o(a) && terminal_o(b)) {
        ++c[type[shared[0]] == o_type_ ? kP2O7 : kP2O6N];
        continue;
      }
    }
    c[kPOther] += static_cast<std::int64_t>(members.size());
  }
  for (std::size_t j = 0; j < atoms; ++j) {
    if (type[j] == n_type_)
      ++c[p_bonds[j] == 0   ? kNFree
          : p_bonds[j] == 1 ? kNApical
          : p_bonds[j] == 2 ? kNBridging
                            : kNTriply];
    else if (type[j] == o_type_)
      ++c[p_bonds[j] == 0 ? kOFree : p_bonds[j] == 1 ? kONonBridging : kOBridging];
  }
  return c;
}

namespace {

int type_or_absent(const System& system, const char* symbol) {
  const auto it = std::find(system.species.begin(), system.species.end(), symbol);
  return it == system.species.end() ? -1 : static_cast<int>(it - system.species.begin());
}

class MotifAnalysis final : public FrameAnalysis {
public:
  MotifAnalysis(const MotifSpec& spec, const System& system, std::string label)
      : label_(std::move(label)),
        counter_(type_or_absent(system, "P"), type_or_absent(system, "O"),
                 type_or_absent(system, "N"), spec.p_o_cutoff, spec.p_n_cutoff) {}

  void add(const System& system, const ThermoSample& sample) override {
    const MotifCounts c = counter_.count(system);
    steps_.push_back(static_cast<double>(sample.step));
    times_.push_back(sample.time);
    counts_.insert(counts_.end(), c.begin(), c.end());
  }

  std::string write(const std::filesystem::path& prefix) const override {
    const std::size_t frames = steps_.size();
    std::string csv = "step,time_ps";
    for (const char* name : kMotifNames) csv += fmt::format(",{}", name);
    csv += "\n";
    for (std::size_t f = 0; f < frames; ++f) {
      csv += fmt::format("{},{}", static_cast<std::int64_t>(steps_[f]), csv_number(times_[f]));
      for (int k = 0; k < kMotifCounts; ++k)
        csv += fmt::format(",{}", counts_[f * kMotifCounts + k]);
      csv += "\n";
    }
    write_text_file(prefix.string() + ".csv", csv);

    std::vector<double> mean(kMotifCounts, 0.0);
    for (std::size_t f = 0; f < frames; ++f)
      for (int k = 0; k < kMotifCounts; ++k)
        mean[k] += counts_[f * kMotifCounts + k] / double(frames);
    h5::File h = create_result_file(prefix.string() + ".h5", "motifs", label_);
    h.set_attr("/", "counts", std::vector<std::string>(kMotifNames.begin(), kMotifNames.end()));
    write_dataset(h, "/step", steps_, {frames}, "steps");
    write_dataset(h, "/time_ps", times_, {frames}, "ps");
    write_dataset(h, "/counts", std::vector<double>(counts_.begin(), counts_.end()),
                  {frames, kMotifCounts}, "units (PO4..P2O6N), atoms (the rest)");
    write_dataset(h, "/mean", mean, {kMotifCounts}, "units (PO4..P2O6N), atoms (the rest)");

    std::string summary = fmt::format("motifs of {} (mean of {} frames):", label_, frames);
    for (int k = 0; k < kMotifCounts; ++k)
      summary += fmt::format(" {} {:.4g}", kMotifNames[k], mean[k]);
    return summary;
  }

  void save_state(h5::File& f, const std::string& group) const override {
    f.create_group(group);
    f.write(group + "/step", steps_, {steps_.size()});
    f.write(group + "/time_ps", times_, {times_.size()});
    f.write(group + "/counts", counts_, {counts_.size()});
  }
  void restore_state(const h5::File& f, const std::string& group) override {
    steps_ = f.read_doubles(group + "/step").data;
    times_ = f.read_doubles(group + "/time_ps").data;
    counts_ = f.read_ints(group + "/counts").data;
  }

private:
  std::string label_;
  MotifCounter counter_;
  std::vector<double> steps_, times_;
  std::vector<std::int64_t> counts_;  // [frame][count]
};

}  // namespace

std::unique_ptr<FrameAnalysis> analysis_for(const MotifSpec& spec, const System& system,
                                            const Stretch& stretch) {
  if (type_or_absent(system, "P") < 0)
    throw InputError(spec.common.table,
                     fmt::format("no P in the structure (it has {}): the motifs are "
                                 "P-centred",
                                 fmt::join(system.species, ", ")));
  return std::make_unique<MotifAnalysis>(spec, system, stretch.label);
}

}  // namespace mdgpu
