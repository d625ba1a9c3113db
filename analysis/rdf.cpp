#include "analysis/rdf.hpp"

#include <cmath>

#include <fmt/format.h>

#include "analysis/frame_analysis.hpp"
#include "analysis/output_files.hpp"
#include "core/errors.hpp"
#include "core/hdf5_file.hpp"

namespace mdgpu {

RdfAccumulator::RdfAccumulator(int species, double r_max, int bins)
    : species_(species),
      bins_(bins),
      r_max_(r_max),
      pair_index_(species * species, -1),
      atoms_(species, 0.0),
      finder_(r_max) {
  for (int a = 0; a < species; ++a)
    for (int b = a; b < species; ++b) {
      pair_index_[a * species + b] = static_cast<int>(pair_types_.size());
      pair_types_.emplace_back(a, b);
    }
  hist_.assign(pair_types_.size() * bins, 0.0);
  norm_.assign(pair_types_.size(), 0.0);
}

void RdfAccumulator::add_frame(const System& system) {
  finder_.build(system);
  const double inv_width = bins_ / r_max_;
  finder_.for_each([&](int i, int j, double r) {
    const int p = pair_index_[system.type[i] * species_ + system.type[j]];
    if (p < 0) return;  // the other side of an a-b pair (b > a) is counted from a
    const int bin = static_cast<int>(r * inv_width);
    if (bin < bins_) hist_[static_cast<std::size_t>(p) * bins_ + bin] += 1.0;
  });
  std::vector<double> count(species_, 0.0);
  for (int t : system.type) count[t] += 1.0;
  const double volume = system.box.volume();
  for (int p = 0; p < pairs(); ++p) {
    const auto [a, b] = pair_types_[p];
    norm_[p] += count[a] * (count[b] - (a == b ? 1.0 : 0.0)) / volume;
  }
  for (int t = 0; t < species_; ++t) atoms_[t] += count[t];
  ++frames_;
}

double RdfAccumulator::g(int p, int bin) const {
  const double lo = bin * r_max_ / bins_, hi = (bin + 1) * r_max_ / bins_;
  const double shell = 4.0 * M_PI / 3.0 * (hi * hi * hi - lo * lo * lo);
  return norm_[p] > 0 ? hist_[static_cast<std::size_t>(p) * bins_ + bin] / (norm_[p] * shell) : 0.0;
}

double RdfAccumulator::coordination(int p, int bin, bool around_b) const {
  double sum = 0.0;
  for (int k = 0; k <= bin; ++k) sum += hist_[static_cast<std::size_t>(p) * bins_ + k];
  const double centres = atoms_[around_b ? pair_types_[p].second : pair_types_[p].first];
  return centres > 0 ? sum / centres : 0.0;
}

void RdfAccumulator::save_state(h5::File& f, const std::string& group) const {
  f.create_group(group);
  f.set_attr(group, "frames", static_cast<std::int64_t>(frames_));
  f.write(group + "/hist", hist_, {hist_.size()});
  f.write(group + "/norm", norm_, {norm_.size()});
  f.write(group + "/atoms", atoms_, {atoms_.size()});
}

void RdfAccumulator::restore_state(const h5::File& f, const std::string& group) {
  auto hist = f.read_doubles(group + "/hist").data;
  if (hist.size() != hist_.size())
    throw InputError(f.path() + ":" + group,
                     "the RDF checkpoint does not match the [analysis.rdf] settings");
  hist_ = std::move(hist);
  norm_ = f.read_doubles(group + "/norm").data;
  atoms_ = f.read_doubles(group + "/atoms").data;
  frames_ = static_cast<int>(f.attr_int(group, "frames"));
}

namespace {

class RdfAnalysis final : public FrameAnalysis {
public:
  RdfAnalysis(const RdfSpec& spec, const System& system, std::string label)
      : species_(system.species),
        label_(std::move(label)),
        rdf_(static_cast<int>(system.species.size()), spec.r_max, spec.bins) {}

  void add(const System& system, const ThermoSample&) override { rdf_.add_frame(system); }

  std::string write(const std::filesystem::path& prefix) const override {
    std::string csv = "r_A";
    std::vector<std::string> names;
    for (int p = 0; p < rdf_.pairs(); ++p) {
      const std::string& a = species_[rdf_.pair_types(p).first];
      const std::string& b = species_[rdf_.pair_types(p).second];
      names.push_back(a + "-" + b);
      csv += a == b ? fmt::format(",g_{0}_{0},n_{0}_around_{0}", a)
                    : fmt::format(",g_{0}_{1},n_{1}_around_{0},n_{0}_around_{1}", a, b);
    }
    csv += "\n";
    for (int k = 0; k < rdf_.bins(); ++k) {
      csv += fmt::format("{}", rdf_.r(k));
      for (int p = 0; p < rdf_.pairs(); ++p) {
        csv += "," + csv_number(rdf_.g(p, k)) + "," + csv_number(rdf_.coordination(p, k, false));
        if (rdf_.pair_types(p).first != rdf_.pair_types(p).second)
          csv += "," + csv_number(rdf_.coordination(p, k, true));
      }
      csv += "\n";
    }
    write_text_file(prefix.string() + ".csv", csv);

    h5::File f = create_result_file(prefix.string() + ".h5", "rdf", label_);
    f.set_attr("/", "frames", static_cast<std::int64_t>(rdf_.frames()));
    f.set_attr("/", "pairs", names);
    std::vector<double> r, g, around_a, around_b;
    for (int k = 0; k < rdf_.bins(); ++k) r.push_back(rdf_.r(k));
    for (int p = 0; p < rdf_.pairs(); ++p)
      for (int k = 0; k < rdf_.bins(); ++k) {
        g.push_back(rdf_.g(p, k));
        around_a.push_back(rdf_.coordination(p, k, false));
        around_b.push_back(rdf_.coordination(p, k, true));
      }
    const auto np = static_cast<std::uint64_t>(rdf_.pairs()),
               nb = static_cast<std::uint64_t>(rdf_.bins());
    write_dataset(f, "/r_A", r, {nb}, "Å (bin centres)");
    write_dataset(f, "/g", g, {np, nb}, "1");
    write_dataset(f, "/n_second_around_first", around_a, {np, nb},
                  "atoms (running, to the bin's top)");
    write_dataset(f, "/n_first_around_second", around_b, {np, nb},
                  "atoms (running, to the bin's top)");
    return fmt::format("RDF of {}: {} frames, {} species pairs, r up to {} Å", label_,
                       rdf_.frames(), rdf_.pairs(), rdf_.r_max());
  }

  void save_state(h5::File& file, const std::string& group) const override {
    rdf_.save_state(file, group);
  }
  void restore_state(const h5::File& file, const std::string& group) override {
    rdf_.restore_state(file, group);
  }

private:
  std::vector<std::string> species_;
  std::string label_;
  RdfAccumulator rdf_;
};

}  // namespace

std::unique_ptr<FrameAnalysis> analysis_for(const RdfSpec& spec, const System& system,
                                            const Stretch& stretch) {
  if (!system.box.has_volume())
    throw InputError(spec.common.table,
                     "an RDF needs a cell with a volume (all three lattice vectors)");
  return std::make_unique<RdfAnalysis>(spec, system, stretch.label);
}

}  // namespace mdgpu
