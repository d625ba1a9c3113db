// `mdgpu eval`: a potential's energy, per-atom energies, forces and stress for a set of frames,
// and, where the frames carry labels (energy, forces, stress or virial), the errors a validation
// reports: energy MAE per atom, force MAE/RMSE per component, overall, per species and per
// config_type.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "io/extxyz.hpp"
#include "kernels/backend.hpp"
#include "model/committee_potential.hpp"
#include "model/potential.hpp"
#include "model/potential_spec.hpp"

namespace mdgpu {

struct FramePrediction {
  double energy = 0.0;                  // eV
  std::vector<double> per_atom;         // eV
  Vec3Array forces;                     // eV/Å
  Mat3 virial{};                        // eV
  std::optional<Mat3> stress;           // eV/Å³, ASE sign (-W/V); only with a cell volume
  std::optional<CommitteeStats> committee;  // a committee's spread, and σ_i per atom (eV/Å)
  std::vector<double> force_dev;
};

// Evaluates frames with the Potential `spec` makes, as a run would (a frame's species must all be
// known to it). A Potential maps the species of the system it is made for onto its own, so there
// is one per distinct species list of the frames.
class FrameEvaluator {
public:
  FrameEvaluator(PotentialSpec spec, Backend& backend);
  FramePrediction evaluate(const System& system);

private:
  Potential& potential_for(const System& system);

  PotentialSpec spec_;
  Backend& backend_;
  std::map<std::vector<std::string>, std::unique_ptr<Potential>> potentials_;
};

// Labels of a frame, as ASE writes them: info energy, stress (9 or Voigt 6, eV/Å³) or virial
// (9, eV), per-atom forces. InputError (frame.where) for malformed values.
struct FrameLabels {
  std::optional<double> energy;
  std::optional<Vec3Array> forces;
  std::optional<Mat3> stress;
  std::string config_type;
};
FrameLabels frame_labels(const Frame& frame);

// Running error sums of one group (all frames, a species or a config_type).
struct ErrorStats {
  int frames = 0;            // with an energy label
  double energy_abs = 0.0;   // sum |dE| / N_atoms, eV/atom
  std::int64_t force_components = 0;
  double force_abs = 0.0, force_sq = 0.0;  // eV/Å, eV²/Å²
  int stress_frames = 0;
  double stress_abs = 0.0;   // sum over frames of mean |dσ| over 9 components, eV/Å³
};

struct ErrorReport {
  ErrorStats overall;
  std::map<std::string, ErrorStats> by_species, by_config_type;
  void add(const System& system, const FramePrediction& p, const FrameLabels& labels);
  std::string format() const;  // the table `mdgpu eval` prints (meV/atom, meV/Å, meV/Å³)
};

}  // namespace mdgpu
