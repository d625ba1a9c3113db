// Profiles along c in bins of the fractional c coordinate (wrapped into the cell), averaged over
// frames: number density of every species, mass density, and for one species X (Li) the mean
// number of X neighbours within a cut-off and the mean X–X distance to them, per X atom in the bin.
#pragma once

#include <string>
#include <vector>

#include "analysis/pairs.hpp"

namespace mdgpu {
namespace h5 {
class File;
}

class ProfileAccumulator {
public:
  ProfileAccumulator(int species, int bins, int target, double cutoff);

  void add_frame(const System& system);

  int bins() const { return bins_; }
  int frames() const { return frames_; }
  double density(int species, int bin) const;                                   // atoms/Å³
  double mass_density(int bin, const std::vector<double>& species_mass) const;  // g/cm³
  double neighbors(int bin) const;    // X neighbours per X atom, NaN without X
  double bond_length(int bin) const;  // Å, NaN without X–X pairs
  double mean_height() const { return height_ / frames_; }  // Å, cell height along c

  void save_state(h5::File& file, const std::string& group) const;
  void restore_state(const h5::File& file, const std::string& group);

private:
  int bin_of(const BoxData& box, const System& system, int i) const;  // -1 outside the cell

  int species_, bins_, target_;
  std::vector<double> atoms_;     // [species][bin], Σ frames
  std::vector<double> volume_;    // [bin], Σ frames of the bin volume, Å³
  std::vector<double> pairs_;     // [bin]: X–X pairs within the cut-off, from the X atom's bin
  std::vector<double> distance_;  // [bin]: Σ of their lengths
  double height_ = 0.0;
  int frames_ = 0;
  PairFinder finder_;
};

}  // namespace mdgpu
