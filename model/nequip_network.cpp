#include "model/nequip_network.hpp"

#include <cmath>
#include <type_traits>

#include "kernels/tf32_split.hpp"

namespace mdgpu {
namespace {

template <class V>
Buffer<V> upload(Space space, const std::vector<V>& host) {
  Buffer<V> b(space, 0);
  b.upload(host);
  return b;
}

template <class T>
std::vector<T> cast(const std::vector<double>& v) {
  return std::vector<T>(v.begin(), v.end());
}

}  // namespace

LinearWeights::LinearWeights(Space space, const LinearPlan& plan, const std::vector<double>& W)
    : paths_(upload(space, plan.paths)),
      W_(upload(space, W)),
      WT_(upload(space, W.empty() ? W : transpose_linear_weights(plan, W))),  // empty: unused (no sc)
      types_(plan.types),
      din_(plan.in.dim()),
      dout_(plan.out.dim()) {}

nequip::LinearView LinearWeights::view() const {
  return {paths_.data(), static_cast<int>(paths_.size()), W_.data(), WT_.data(), types_, din_, dout_};
}

template <class T>
LayerWeights<T>::LayerWeights(Space space, const NequipModel& model, const LayerPlan& plan, const Buffer<T>& cg)
    : plan_(&plan),
      linear_1_(space, plan.linear_1, plan.w_linear_1),
      linear_2_(space, plan.linear_2, plan.w_linear_2),
      sc_(space, plan.sc, plan.w_sc),
      act_(model.mlp_act.kind),
      act_cst_(model.mlp_act.cst),
      tp_instr_(upload(space, plan.tp)),
      gate_scalars_(upload(space, plan.gate.scalars)),
      gate_gated_(upload(space, plan.gate.gated)),
      norm_blocks_(upload(space, plan.norm)),
      norm_weights_(upload(space, plan.w_norm)),
      norm_eps_(model.norm_eps) {
  for (std::size_t j = 0; j + 1 < plan.mlp_sizes.size(); ++j) {
    const int in = plan.mlp_sizes[j], out = plan.mlp_sizes[j + 1];
    const std::vector<double>& W = plan.w_mlp[j];
    std::vector<double> WT(W.size());
    for (int a = 0; a < in; ++a)
      for (int b = 0; b < out; ++b)
        WT[static_cast<std::size_t>(b) * in + a] = W[static_cast<std::size_t>(a) * out + b];
    dense_W_.push_back(upload(space, cast<T>(W)));
    dense_WT_.push_back(upload(space, cast<T>(WT)));
    dense_.push_back({in, out, dense_W_.back().data(), dense_WT_.back().data(),
                      T(model.mlp_fan_in_scaling ? 1.0 / std::sqrt(static_cast<double>(in)) : 1.0)});
  }
  if constexpr (std::is_same_v<T, float>) {
    if (!dense_.empty()) {  // split once here, not by every chunk of every evaluation on the device
      std::vector<float> hi, lo;
      nequip::split_tf32(cast<float>(plan.w_mlp[dense_.size() - 1]), hi, lo);
      last_W_hi_ = upload(space, hi);
      last_W_lo_ = upload(space, lo);
      dense_.back().W_hi = last_W_hi_.data();
      dense_.back().W_lo = last_W_lo_.data();
    }
  }
  tp_.instr = tp_instr_.data();
  tp_.n_instr = static_cast<int>(tp_instr_.size());
  tp_.cg = cg.data();
  tp_.weights = plan.tp_weights;
  tp_.din = plan.in.dim();
  tp_.dmid = plan.mid.dim();
  tp_.sh_lmax = model.sh_lmax;
  tp_.sh_dim = (model.sh_lmax + 1) * (model.sh_lmax + 1);
  tp_.scale = T(1.0 / std::sqrt(model.avg_num_neighbors));
}

template <class T>
nequip::RadialMlp<T> LayerWeights<T>::mlp() const {
  return {dense_.data(), static_cast<int>(dense_.size()), act_, act_cst_};
}

template <class T>
nequip::GateView LayerWeights<T>::gate() const {
  return {gate_scalars_.data(), static_cast<int>(gate_scalars_.size()), gate_gated_.data(),
          static_cast<int>(gate_gated_.size()), plan_->conv_out.dim(), plan_->out.dim()};
}

template <class T>
nequip::NormView LayerWeights<T>::norm() const {
  return {norm_blocks_.data(), static_cast<int>(norm_blocks_.size()), norm_weights_.data(), norm_eps_,
          plan_->conv_out.dim()};
}

template <class T>
NequipNetwork<T>::NequipNetwork(Space space, const NequipModel& model)
    : model_(model),
      cg_(upload(space, cast<T>(model.cg))),
      bessel_(upload(space, model.bessel_weights)),
      scales_(upload(space, model.scales)),
      shifts_(upload(space, model.shifts)),
      embedding_(space, model.embedding, model.w_embedding),
      head_hidden_(space, model.head_hidden, model.w_head_hidden),
      head_out_(space, model.head_out, model.w_head_out) {
  layers_.reserve(model.layers.size());
  for (const auto& plan : model.layers) layers_.emplace_back(space, model, plan, cg_);
}

template <class T>
nequip::EdgeBasis NequipNetwork<T>::edge_basis() const {
  return {model_.sh_lmax, (model_.sh_lmax + 1) * (model_.sh_lmax + 1), model_.num_basis, model_.r_max,
          model_.cutoff_p, bessel_.data()};
}

template <class T>
nequip::EnergyScale NequipNetwork<T>::energy_scale() const {
  return {scales_.data(), shifts_.data(), model_.global_scale};
}

template class LayerWeights<float>;
template class LayerWeights<double>;
template class NequipNetwork<float>;
template class NequipNetwork<double>;

}  // namespace mdgpu
