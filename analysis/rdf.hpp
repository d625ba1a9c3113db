// Radial distribution functions of every pair of species, averaged over frames, with the running
// coordination numbers. Periodic images count (triclinic cells, any r_max).
//
// For species a and b with N_a, N_b atoms in volume V, bin k of width Δ = r_max / bins:
//   g_ab(r_k) = H_ab(k) / ( Σ_frames N_a (N_b - δ_ab) / V · 4π/3 (r_{k+1}³ - r_k³) )
// where H_ab counts (a atom, b atom) pairs at distances in the bin — each a-a pair twice, once
// from each side — summed over frames. n_b-around-a(r_k) = Σ_{j≤k} H_ab(j) / Σ_frames N_a.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "analysis/pairs.hpp"

namespace mdgpu {
namespace h5 {
class File;
}

class RdfAccumulator {
public:
  RdfAccumulator(int species, double r_max, int bins);

  void add_frame(const System& system);

  int bins() const { return bins_; }
  int frames() const { return frames_; }
  double r_max() const { return r_max_; }
  double r(int bin) const { return (bin + 0.5) * r_max_ / bins_; }  // bin centre, Å
  // Unordered species pairs (a, b), a <= b, in the order (0,0), (0,1), ..., (1,1), ...
  int pairs() const { return static_cast<int>(pair_types_.size()); }
  std::pair<int, int> pair_types(int p) const { return pair_types_[p]; }
  double g(int p, int bin) const;
  // Running coordination number up to the top of `bin`: b atoms around an a atom, or (around_b)
  // a atoms around a b atom.
  double coordination(int p, int bin, bool around_b) const;

  void save_state(h5::File& file, const std::string& group) const;
  void restore_state(const h5::File& file, const std::string& group);

private:
  int species_, bins_;
  double r_max_;
  std::vector<std::pair<int, int>> pair_types_;
  std::vector<int> pair_index_;  // [a * species + b] -> pair (a <= b), -1 otherwise
  std::vector<double> hist_;     // [pair][bin]
  std::vector<double> norm_;     // [pair]: Σ_frames N_a (N_b - δ_ab) / V
  std::vector<double> atoms_;    // [species]: Σ_frames N
  int frames_ = 0;
  PairFinder finder_;
};

}  // namespace mdgpu
