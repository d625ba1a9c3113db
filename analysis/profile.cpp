#include "analysis/profile.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "analysis/frame_analysis.hpp"
#include "analysis/output_files.hpp"
#include "analysis/slabs.hpp"
#include "core/errors.hpp"
#include "core/hdf5_file.hpp"
#include "core/units.hpp"

namespace mdgpu {
ProfileAccumulator::ProfileAccumulator(int species, int bins, int target, double cutoff)
    : species_(species),
      bins_(bins),
      target_(target),
      atoms_(species * bins, 0.0),
      volume_(bins, 0.0),
      pairs_(bins, 0.0),
      distance_(bins, 0.0),
      finder_(cutoff) {}

int ProfileAccumulator::bin_of(const BoxData& box, const System& system, int i) const {
  const double r[3] = {system.positions.x[i], system.positions.y[i], system.positions.z[i]};
  const double s = fractional_c(box, r);
  return s >= 0.0 && s < 1.0 ? std::min(bins_ - 1, static_cast<int>(s * bins_)) : -1;
}

void ProfileAccumulator::add_frame(const System& system) {
  const BoxData& box = system.box.data();
  std::vector<int> bin(system.size());
  for (std::size_t i = 0; i < system.size(); ++i) {
    bin[i] = bin_of(box, system, static_cast<int>(i));
    if (bin[i] >= 0) atoms_[system.type[i] * bins_ + bin[i]] += 1.0;
  }
  for (double& v : volume_) v += system.box.volume() / bins_;
  finder_.build(system);
  finder_.for_each([&](int i, int j, double r) {
    if (system.type[i] != target_ || system.type[j] != target_ || bin[i] < 0) return;
    pairs_[bin[i]] += 1.0;
    distance_[bin[i]] += r;
  });
  height_ += system.box.perpendicular_width(2);
  ++frames_;
}

double ProfileAccumulator::density(int species, int bin) const {
  return atoms_[species * bins_ + bin] / volume_[bin];
}

double ProfileAccumulator::mass_density(int bin, const std::vector<double>& species_mass) const {
  double amu = 0.0;
  for (int t = 0; t < species_; ++t) amu += atoms_[t * bins_ + bin] * species_mass[t];
  return amu / volume_[bin] * units::kAmuPerA3ToGPerCm3;
}

double ProfileAccumulator::neighbors(int bin) const {
  const double centres = atoms_[target_ * bins_ + bin];
  return centres > 0 ? pairs_[bin] / centres : NAN;
}

double ProfileAccumulator::bond_length(int bin) const {
  return pairs_[bin] > 0 ? distance_[bin] / pairs_[bin] : NAN;
}

void ProfileAccumulator::save_state(h5::File& f, const std::string& group) const {
  f.create_group(group);
  f.set_attr(group, "frames", static_cast<std::int64_t>(frames_));
  f.set_attr(group, "height", height_);
  f.write(group + "/atoms", atoms_, {atoms_.size()});
  f.write(group + "/volume", volume_, {volume_.size()});
  f.write(group + "/pairs", pairs_, {pairs_.size()});
  f.write(group + "/distance", distance_, {distance_.size()});
}

void ProfileAccumulator::restore_state(const h5::File& f, const std::string& group) {
  auto atoms = f.read_doubles(group + "/atoms").data;
  if (atoms.size() != atoms_.size())
    throw InputError(f.path() + ":" + group,
                     "the profile checkpoint does not match the [analysis.profile] settings");
  atoms_ = std::move(atoms);
  volume_ = f.read_doubles(group + "/volume").data;
  pairs_ = f.read_doubles(group + "/pairs").data;
  distance_ = f.read_doubles(group + "/distance").data;
  frames_ = static_cast<int>(f.attr_int(group, "frames"));
  height_ = f.attr_double(group, "height");
}

namespace {

class ProfileAnalysis final : public FrameAnalysis {
public:
  ProfileAnalysis(const ProfileSpec& spec, const System& system, int target, std::string label)
      : species_(system.species),
        mass_(system.species_mass),
        target_(spec.species),
        cutoff_(spec.cutoff),
        label_(std::move(label)),
        profile_(static_cast<int>(system.species.size()), spec.bins, target, spec.cutoff) {}

  void add(const System& system, const ThermoSample&) override { profile_.add_frame(system); }

  std::string write(const std::filesystem::path& prefix) const override {
    const int bins = profile_.bins();
    const double height = profile_.mean_height();
    std::string csv = "bin,s_lo,s_hi,z_lo_A,z_hi_A";
    for (const std::string& s : species_) csv += fmt::format(",density_{}_per_A3", s);
    csv += fmt::format(",mass_density_g_per_cm3,{0}_{0}_neighbors,{0}_{0}_bond_A\n", target_);
    std::vector<double> s_lo, density, mass, neighbors, bond;
    for (int b = 0; b < bins; ++b) {
      const double lo = double(b) / bins, hi = double(b + 1) / bins;
      s_lo.push_back(lo);
      csv += fmt::format("{},{},{},{},{}", b, lo, hi, lo * height, hi * height);
      for (std::size_t t = 0; t < species_.size(); ++t) {
        density.push_back(profile_.density(static_cast<int>(t), b));
        csv += "," + csv_number(density.back());
      }
      mass.push_back(profile_.mass_density(b, mass_));
      neighbors.push_back(profile_.neighbors(b));
      bond.push_back(profile_.bond_length(b));
      csv += fmt::format(",{},{},{}\n", csv_number(mass.back()), csv_number(neighbors.back()),
                         csv_number(bond.back()));
    }
    write_text_file(prefix.string() + ".csv", csv);

    h5::File f = create_result_file(prefix.string() + ".h5", "profile", label_);
    f.set_attr("/", "frames", static_cast<std::int64_t>(profile_.frames()));
    f.set_attr("/", "species", species_);
    f.set_attr("/", "target_species", target_);
    f.set_attr("/", "cutoff_A", cutoff_);
    f.set_attr("/", "height_A", height);
    const auto nb = static_cast<std::uint64_t>(bins);
    write_dataset(f, "/s_lo", s_lo, {nb}, "fractional c (bin bottoms; width 1/bins)");
    write_dataset(f, "/density", density, {nb, species_.size()}, "atoms/Å^3");
    write_dataset(f, "/mass_density", mass, {nb}, "g/cm^3");
    write_dataset(f, "/neighbors", neighbors, {nb}, "neighbours per atom of target_species");
    write_dataset(f, "/bond_length", bond, {nb}, "Å");
    return fmt::format("profile of {} along c: {} frames, {} bins of {:.4g} Å, {}–{} cut-off {} Å",
                       label_, profile_.frames(), bins, height / bins, target_, target_, cutoff_);
  }

  void save_state(h5::File& file, const std::string& group) const override {
    profile_.save_state(file, group);
  }
  void restore_state(const h5::File& file, const std::string& group) override {
    profile_.restore_state(file, group);
  }

private:
  std::vector<std::string> species_;
  std::vector<double> mass_;
  std::string target_;
  double cutoff_;
  std::string label_;
  ProfileAccumulator profile_;
};

}  // namespace

std::unique_ptr<FrameAnalysis> analysis_for(const ProfileSpec& spec, const System& system,
                                            const Stretch& stretch) {
  if (!system.box.has_volume())
    throw InputError(spec.common.table,
                     "a profile needs a cell with a volume (all three lattice vectors)");
  const int target = species_type(system, spec.species, spec.common.at("species"));
  return std::make_unique<ProfileAnalysis>(spec, system, target, stretch.label);
}

}  // namespace mdgpu
