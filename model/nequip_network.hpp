// A NequIP model's plans and weights copied once into the memory space of the kernels that run
// it (float64 linears, radial-MLP weights and coupling tables in the network precision T), and
// the kernel views on them.
#pragma once

#include <vector>

#include "kernels/memory.hpp"
#include "kernels/nequip_views.hpp"
#include "model/nequip_model.hpp"

namespace mdgpu {

// One e3nn Linear: paths, W and its transpose.
class LinearWeights {
public:
  LinearWeights(Space space, const LinearPlan& plan, const std::vector<double>& W);
  nequip::LinearView view() const;

private:
  Buffer<nequip::LinearPath> paths_;
  Buffer<double> W_, WT_;
  int types_, din_, dout_;
};

template <class T>
class LayerWeights {
public:
  LayerWeights(Space space, const NequipModel& model, const LayerPlan& plan, const Buffer<T>& cg);
  const LayerPlan& plan() const { return *plan_; }
  const LinearWeights& linear_1() const { return linear_1_; }
  const LinearWeights& linear_2() const { return linear_2_; }
  const LinearWeights& self_connection() const { return sc_; }
  nequip::RadialMlp<T> mlp() const;
  nequip::TensorProduct<T> tensor_product() const { return tp_; }
  nequip::GateView gate() const;
  nequip::NormView norm() const;  // n_blocks 0: the layer has no layer norm

private:
  const LayerPlan* plan_;
  LinearWeights linear_1_, linear_2_, sc_;
  std::vector<Buffer<T>> dense_W_, dense_WT_;
  Buffer<T> last_W_hi_, last_W_lo_;  // float32: the last layer's W split in TF32 (DenseView)
  std::vector<nequip::DenseView<T>> dense_;
  nequip::Act act_;
  double act_cst_;
  Buffer<nequip::TpInstr> tp_instr_;
  nequip::TensorProduct<T> tp_;
  Buffer<nequip::GateScalars> gate_scalars_;
  Buffer<nequip::GateGated> gate_gated_;
  Buffer<nequip::NormBlock> norm_blocks_;
  Buffer<double> norm_weights_;
  double norm_eps_;
};

template <class T>
class NequipNetwork {
public:
  // Throws InputError when the model exceeds the kernels' fixed per-thread limits.
  NequipNetwork(Space space, const NequipModel& model);
  const NequipModel& model() const { return model_; }
  nequip::EdgeBasis edge_basis() const;
  const LinearWeights& embedding() const { return embedding_; }
  const std::vector<LayerWeights<T>>& layers() const { return layers_; }
  const LinearWeights& head_hidden() const { return head_hidden_; }
  const LinearWeights& head_out() const { return head_out_; }
  nequip::EnergyScale energy_scale() const;

private:
  const NequipModel& model_;
  Buffer<T> cg_;
  Buffer<double> bessel_, scales_, shifts_;
  LinearWeights embedding_;
  std::vector<LayerWeights<T>> layers_;
  LinearWeights head_hidden_, head_out_;
};

}  // namespace mdgpu
