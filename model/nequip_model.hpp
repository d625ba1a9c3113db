// A NequIP energy model as mdgpu holds it: the architecture nequip's default builders derive from
// the hyper-parameters (SimpleIrrepsConfig + EnergyModel + PerSpeciesRescale + RescaleOutput),
// expanded into flat plans (feature offsets, weight offsets, normalisation constants) that the
// kernels execute, plus every weight in float64. Loaded from mdgpu's model file
// (docs/model_format.md, written by tools/export_nequip.py).
#pragma once

#include <string>
#include <vector>

#include "kernels/nequip_bodies.hpp"
#include "model/irreps.hpp"

namespace mdgpu {

// e3nn's normalised activations: f(x) * cst, cst = E[f(z)^2]^(-1/2) as e3nn estimated it.
struct Activation {
  nequip::Act kind = nequip::Act::Silu;
  double cst = 1.0;
  std::string name;
};

// e3nn o3.Linear between two Irreps (no biases): one path per pair of equal irreps, input block
// outer; weight block [mul_in][mul_out] (or [mul_in][types][mul_out] for the self-connection,
// a FullyConnectedTensorProduct with the one-hot species, which reduces to a linear map per type).
struct LinearPlan {
  Irreps in, out;
  std::vector<nequip::LinearPath> paths;  // alpha = 1 / sqrt(fan-in of the output block)
  int types = 1;
  int num_weights = 0;
};

// The interaction tensor product's 'uvu' instructions, x1 block (mul, l1) ⊗ Y_l2 -> l3, in
// nequip's loop order: in_offset reads the linear_1 features, out_offset writes the message laid
// out as the sorted, merged mid irreps, weight_offset indexes the per-edge radial-MLP output
// (`mul` weights each), cg_offset the dense C[2l1+1][2l2+1][2l3+1] in NequipModel::cg;
// path_weight = sqrt(2 l3 + 1) (e3nn 'component' / 'element' normalisation, one path per slot).
using TpPath = nequip::TpInstr;

// e3nn Gate after the convolution: the conv output (sorted scalars + gates + gated) becomes
// [act(scalars) | gated * act(gates)] in feature_irreps_hidden order.
struct GatePlan {
  std::vector<nequip::GateScalars> scalars;
  std::vector<nequip::GateGated> gated;
};

// A Linear that copies its input: alpha 1, identity weights (exact in any precision).
LinearPlan identity_linear(const Irreps& irreps);
std::vector<double> identity_weights(const LinearPlan& plan);

// The weights of a linear rearranged for linear_backward: per path [type][w][u].
std::vector<double> transpose_linear_weights(const LinearPlan& plan, const std::vector<double>& W);

struct LayerPlan {
  Irreps in, mid, conv_out, out;
  LinearPlan linear_1, linear_2, sc;
  bool use_sc = true;
  bool resnet = false;  // only when `in == out`, as nequip does
  std::vector<TpPath> tp;
  int tp_weights = 0;
  std::vector<int> mlp_sizes;  // [num_basis, hidden..., tp_weights]
  std::vector<nequip::NormBlock> norm;  // RMS layer norm of conv_out before the gate; empty: none
  GatePlan gate;
  std::vector<double> w_linear_1, w_linear_2, w_sc, w_norm;
  std::vector<std::vector<double>> w_mlp;  // per FC layer, [h_in][h_out]
};

struct NequipModel {
  std::vector<std::string> type_names;
  double r_max = 0.0;
  double cutoff_p = 6.0;
  double avg_num_neighbors = 1.0;
  int num_basis = 0;
  int sh_lmax = 0;
  Irreps sh;
  std::vector<double> bessel_weights;
  LinearPlan embedding;  // one-hot -> first features
  std::vector<double> w_embedding;
  std::vector<LayerPlan> layers;
  LinearPlan head_hidden, head_out;
  std::vector<double> w_head_hidden, w_head_out;
  Activation mlp_act;
  bool mlp_fan_in_scaling = true;  // radial MLP layers compute x @ W / sqrt(h_in) (e3nn), else x @ W
  double norm_eps = 0.0;           // added to the mean square of the layer norm
  std::vector<double> cg;  // coupling tables of all TP paths
  std::vector<double> scales, shifts;  // per type
  double global_scale = 1.0;
  std::string trained_dtype, provenance;

  int max_features() const;  // widest per-atom feature vector of any layer
  // Throws InputError naming the file and what is wrong or unsupported.
  static NequipModel load(const std::string& path);
};

// The plans alone, from hyper-parameters (weights are attached by load()). The defaults are
// nequip 0.6's; the options describe the NequIP-family variants (e.g. Nequix) that differ from it
// (docs/model_format.md, "Architecture options").
struct NequipHyper {
  std::vector<std::string> type_names;
  int num_layers = 0, num_basis = 8, invariant_layers = 2, invariant_neurons = 64;
  bool use_sc = true, resnet = false;
  Irreps feature_hidden, sh, embedding_out, head_hidden_out;
  std::vector<Irreps> layer_hidden;  // per layer, replaces feature_hidden when given
  Activation scalars_e, scalars_o, gates_e, gates_o;
  bool one_hot_embedding = false;  // layer 0 reads the one-hot species itself (no embedding linear)
  bool single_readout = false;     // one Linear to the atomic energy (no hidden head linear)
  bool shared_sc = false;          // self-connection weights shared by all species
  bool tp_weights_sorted = false;  // radial-MLP outputs follow the sorted message, not the instructions
  bool layer_norm = false;         // RMS norm over degrees before each gate
};
void build_plans(const NequipHyper& h, NequipModel& m);

}  // namespace mdgpu
