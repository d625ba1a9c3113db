#include "model/nequip_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/errors.hpp"
#include "core/hdf5_file.hpp"
#include "model/wigner3j.hpp"

namespace mdgpu {
namespace {

LinearPlan make_linear(const Irreps& in, const Irreps& out, int types = 1) {
  LinearPlan plan;
  plan.in = in;
  plan.out = out;
  plan.types = types;
  std::vector<int> fan_in(out.size(), 0);
  for (std::size_t i = 0; i < in.size(); ++i)
    for (std::size_t o = 0; o < out.size(); ++o)
      if (in[i].ir == out[o].ir) fan_in[o] += in[i].mul * types;
  for (std::size_t i = 0; i < in.size(); ++i)
    for (std::size_t o = 0; o < out.size(); ++o)
      if (in[i].ir == out[o].ir) {
        plan.paths.push_back({in.offset(i), out.offset(o), in[i].mul, out[o].mul, in[i].ir.dim(),
                              plan.num_weights, 1.0 / std::sqrt(static_cast<double>(fan_in[o]))});
        plan.num_weights += in[i].mul * types * out[o].mul;
      }
  return plan;
}

Irreps scalars_of(int mul, const Irrep& ir) { return Irreps({{mul, ir}}); }

// ConvNetLayer + InteractionBlock of nequip: which irreps the layer can produce, the gate, the
// tensor-product instructions and the linears around them.
LayerPlan make_layer(const NequipHyper& h, const Irreps& hidden, const Irreps& in, std::vector<double>& cg) {
  LayerPlan L;
  L.in = in;
  std::vector<MulIrrep> scalars, gated, gates;
  for (const auto& b : hidden.blocks()) {
    if (!path_exists(in, h.sh, b.ir)) continue;
    (b.ir.l == 0 ? scalars : gated).push_back(b);
  }
  if (!path_exists(in, h.sh, Irrep{0, 1}))
    throw std::invalid_argument("a layer whose gates would be odd scalars (0o) is not supported");
  for (const auto& g : gated) gates.push_back({g.mul, Irrep{0, 1}});

  const Irreps concat = Irreps(scalars) + Irreps(gates) + Irreps(gated);
  std::vector<int> perm;
  const Irreps sorted = concat.sorted(&perm);
  L.conv_out = sorted.simplified();
  L.out = Irreps(scalars) + Irreps(gated);
  const auto src = [&](std::size_t concat_block) { return sorted.offset(static_cast<std::size_t>(perm[concat_block])); };
  for (std::size_t s = 0; s < scalars.size(); ++s) {
    const Activation& act = scalars[s].ir.p > 0 ? h.scalars_e : h.scalars_o;
    if (scalars[s].ir.p < 0 && act.kind != nequip::Act::Tanh)
      throw std::invalid_argument("odd scalars need an odd activation (tanh), not " + act.name);
    L.gate.scalars.push_back({src(s), L.out.offset(s), scalars[s].mul, act.kind, act.cst});
  }
  const std::size_t S = scalars.size(), G = gates.size();
  for (std::size_t g = 0; g < gated.size(); ++g)
    L.gate.gated.push_back({src(S + G + g), L.out.offset(S + g), gated[g].mul, gated[g].ir.dim(),
                            src(S + g), h.gates_e.kind, h.gates_e.cst});

  // Instructions in nequip's loop order; the message is laid out as the sorted mid irreps.
  std::vector<MulIrrep> mid;
  for (const auto& b : in.blocks())
    for (const auto& e : h.sh.blocks())
      for (int l3 = std::abs(b.ir.l - e.ir.l); l3 <= b.ir.l + e.ir.l; ++l3) {
        const Irrep out{l3, b.ir.p * e.ir.p};
        if (!L.conv_out.contains(out)) continue;
        TpPath t{};
        t.mul = b.mul;
        t.l1 = b.ir.l;
        t.l2 = e.ir.l;
        t.l3 = l3;
        t.weight_offset = L.tp_weights;
        t.path_weight = std::sqrt(2.0 * l3 + 1.0);
        t.cg_offset = static_cast<int>(cg.size());
        const auto c = wigner_3j(t.l1, t.l2, t.l3);
        cg.insert(cg.end(), c.begin(), c.end());
        L.tp.push_back(t);
        L.tp_weights += b.mul;
        mid.push_back({b.mul, out});
      }
  // in_offset: the block of `in` the instruction reads (same loop order as above).
  {
    std::size_t k = 0;
    for (std::size_t i = 0; i < in.size(); ++i)
      for (const auto& e : h.sh.blocks())
        for (int l3 = std::abs(in[i].ir.l - e.ir.l); l3 <= in[i].ir.l + e.ir.l; ++l3)
          if (L.conv_out.contains(Irrep{l3, in[i].ir.p * e.ir.p})) L.tp[k++].in_offset = in.offset(i);
  }
  std::vector<int> mid_perm;
  const Irreps mid_sorted = Irreps(mid).sorted(&mid_perm);
  for (std::size_t k = 0; k < L.tp.size(); ++k)
    L.tp[k].out_offset = mid_sorted.offset(static_cast<std::size_t>(mid_perm[k]));
  if (h.tp_weights_sorted) {  // weights of block k start after the multiplicities sorted before it
    std::vector<int> start(mid.size() + 1, 0);
    for (std::size_t k = 0; k < mid.size(); ++k) start[static_cast<std::size_t>(mid_perm[k]) + 1] = mid[k].mul;
    for (std::size_t j = 0; j < mid.size(); ++j) start[j + 1] += start[j];
    for (std::size_t k = 0; k < L.tp.size(); ++k) L.tp[k].weight_offset = start[static_cast<std::size_t>(mid_perm[k])];
  }
  L.mid = mid_sorted.simplified();

  L.linear_1 = make_linear(in, in);
  L.linear_2 = make_linear(L.mid, L.conv_out);
  L.sc = make_linear(in, L.conv_out, h.shared_sc ? 1 : static_cast<int>(h.type_names.size()));
  if (h.layer_norm) {
    int w = 0;
    const double blocks = static_cast<double>(L.conv_out.size());
    for (std::size_t b = 0; b < L.conv_out.size(); ++b) {
      const int dim = L.conv_out[b].ir.dim();
      L.norm.push_back({L.conv_out.offset(b), L.conv_out[b].mul, dim, w, 1.0 / (dim * dim * blocks)});
      w += L.conv_out[b].mul;
    }
  }
  L.use_sc = h.use_sc;
  L.resnet = h.resnet && in == L.out;
  L.mlp_sizes.push_back(h.num_basis);
  for (int i = 0; i < h.invariant_layers; ++i) L.mlp_sizes.push_back(h.invariant_neurons);
  L.mlp_sizes.push_back(L.tp_weights);
  return L;
}

}  // namespace

void build_plans(const NequipHyper& h, NequipModel& m) {
  const int types = static_cast<int>(h.type_names.size());
  m.type_names = h.type_names;
  m.sh = h.sh;
  for (std::size_t j = 0; j < h.sh.size(); ++j)
    if (h.sh[j].mul != 1 || h.sh[j].ir.l != static_cast<int>(j))
      throw std::invalid_argument("edge irreps must be 1x0+1x1+...+1xL, not " + h.sh.str());
  m.sh_lmax = static_cast<int>(h.sh.size()) - 1;
  m.num_basis = h.num_basis;
  m.mlp_act = h.scalars_e;
  if (h.one_hot_embedding) {
    m.embedding = identity_linear(scalars_of(types, Irrep{0, 1}));
    m.w_embedding = identity_weights(m.embedding);
  } else {
    m.embedding = make_linear(scalars_of(types, Irrep{0, 1}), h.embedding_out);
  }
  if (!h.layer_hidden.empty() && h.layer_hidden.size() != static_cast<std::size_t>(h.num_layers))
    throw std::invalid_argument("layer_irreps_hidden must have one entry per layer");
  Irreps features = m.embedding.out;
  m.layers.clear();
  m.cg.clear();
  for (int k = 0; k < h.num_layers; ++k) {
    const Irreps& hidden = h.layer_hidden.empty() ? h.feature_hidden : h.layer_hidden[static_cast<std::size_t>(k)];
    m.layers.push_back(make_layer(h, hidden, features, m.cg));
    features = m.layers.back().out;
  }
  if (h.single_readout) {  // the hidden head linear becomes a copy, so the evaluator stays one
    m.head_hidden = identity_linear(features);
    m.w_head_hidden = identity_weights(m.head_hidden);
  } else {
    m.head_hidden = make_linear(features, h.head_hidden_out);
  }
  m.head_out = make_linear(m.head_hidden.out, scalars_of(1, Irrep{0, 1}));
}

LinearPlan identity_linear(const Irreps& irreps) {
  LinearPlan plan;
  plan.in = plan.out = irreps;
  for (std::size_t b = 0; b < irreps.size(); ++b) {
    plan.paths.push_back({irreps.offset(b), irreps.offset(b), irreps[b].mul, irreps[b].mul, irreps[b].ir.dim(),
                          plan.num_weights, 1.0});
    plan.num_weights += irreps[b].mul * irreps[b].mul;
  }
  return plan;
}

std::vector<double> identity_weights(const LinearPlan& plan) {
  std::vector<double> W(static_cast<std::size_t>(plan.num_weights), 0.0);
  for (const auto& p : plan.paths)
    for (int u = 0; u < p.mul_in; ++u) W[static_cast<std::size_t>(p.weight_offset + u * p.mul_out + u)] = 1.0;
  return W;
}

std::vector<double> transpose_linear_weights(const LinearPlan& plan, const std::vector<double>& W) {
  std::vector<double> WT(W.size());
  for (const auto& p : plan.paths)
    for (int u = 0; u < p.mul_in; ++u)
      for (int t = 0; t < plan.types; ++t)
        for (int w = 0; w < p.mul_out; ++w)
          WT[p.weight_offset + (t * p.mul_out + w) * p.mul_in + u] =
              W[p.weight_offset + (u * plan.types + t) * p.mul_out + w];
  return WT;
}

int NequipModel::max_features() const {
  int d = embedding.out.dim();
  for (const auto& L : layers)
    d = std::max({d, L.in.dim(), L.mid.dim(), L.conv_out.dim(), L.out.dim()});
  return d;
}

namespace {

Activation activation(const h5::File& f, const std::string& name) {
  Activation a;
  a.name = name;
  if (name == "silu") a.kind = nequip::Act::Silu;
  else if (name == "tanh") a.kind = nequip::Act::Tanh;
  else if (name == "ssp") a.kind = nequip::Act::ShiftedSoftplus;
  else if (name == "abs") a.kind = nequip::Act::Abs;
  else throw InputError(f.path(), "activation '" + name + "' is not supported (silu, tanh, ssp, abs)");
  a.cst = f.attr_double("/activations", name);
  return a;
}

Irreps irreps_attr(const h5::File& f, const std::string& name) {
  try {
    return Irreps::parse(f.attr_string("/", name));
  } catch (const std::invalid_argument& e) {
    throw InputError(f.path(), name + ": " + e.what());
  }
}

std::vector<double> weights(const h5::File& f, const std::string& name, std::size_t expected) {
  const auto a = f.read_doubles("/weights/" + name);
  if (a.data.size() != expected)
    throw InputError(f.path(), fmt::format("weights '{}' have {} values, the architecture needs {}",
                                           name, a.data.size(), expected));
  for (double w : a.data)
    if (!std::isfinite(w)) throw InputError(f.path(), "weights '" + name + "' are not finite");
  return a.data;
}

std::size_t count(const LinearPlan& p) { return static_cast<std::size_t>(p.num_weights); }

// An architecture option: the root attribute `name`, one of `values`; values[0] when absent.
bool option(const h5::File& f, const std::string& name, const std::vector<std::string>& values) {
  if (!f.has_attr("/", name)) return false;
  const std::string v = f.attr_string("/", name);
  for (std::size_t i = 0; i < values.size(); ++i)
    if (v == values[i]) return i == 1;
  throw InputError(f.path(), fmt::format("{} '{}' is not supported ({})", name, v, fmt::join(values, ", ")));
}

}  // namespace

NequipModel NequipModel::load(const std::string& path) {
  const h5::File f(path, h5::Mode::Read);
  if (!f.has_attr("/", "format") || f.attr_string("/", "format") != "mdgpu-nequip")
    throw InputError(path, "not an mdgpu NequIP model file (convert with tools/export_nequip.py)");
  // Version 2 adds the architecture options, so that a reader of version 1 refuses a file it
  // would otherwise evaluate as plain nequip.
  const auto version = f.attr_int("/", "format_version");
  if (version != 1 && version != 2)
    throw InputError(path, fmt::format("model format version {} is not supported (this build reads 1 and 2)", version));
  NequipHyper h;
  h.type_names = f.attr_strings("/", "type_names");
  if (h.type_names.empty()) throw InputError(path, "the model has no species (type_names)");
  h.num_layers = static_cast<int>(f.attr_int("/", "num_layers"));
  h.num_basis = static_cast<int>(f.attr_int("/", "num_basis"));
  h.invariant_layers = static_cast<int>(f.attr_int("/", "invariant_layers"));
  h.invariant_neurons = static_cast<int>(f.attr_int("/", "invariant_neurons"));
  h.use_sc = f.attr_int("/", "use_sc") != 0;
  h.resnet = f.attr_int("/", "resnet") != 0;
  h.one_hot_embedding = option(f, "embedding", {"linear", "one_hot"});
  h.single_readout = option(f, "readout", {"two_linears", "linear"});
  h.shared_sc = option(f, "self_connection", {"per_species", "shared"});
  h.tp_weights_sorted = option(f, "tp_weight_order", {"instructions", "sorted"});
  h.layer_norm = option(f, "layer_norm", {"none", "rms_degree_balanced"});
  const bool plain_mlp = option(f, "radial_mlp_normalization", {"e3nn", "none"});
  h.feature_hidden = irreps_attr(f, "feature_irreps_hidden");
  h.sh = irreps_attr(f, "irreps_edge_sh");
  if (!h.one_hot_embedding) h.embedding_out = irreps_attr(f, "chemical_embedding_irreps_out");
  if (!h.single_readout) h.head_hidden_out = irreps_attr(f, "conv_to_output_hidden_irreps_out");
  if (f.has_attr("/", "layer_irreps_hidden"))
    for (const auto& text : f.attr_strings("/", "layer_irreps_hidden")) try {
        h.layer_hidden.push_back(Irreps::parse(text));
      } catch (const std::invalid_argument& e) {
        throw InputError(path, std::string("layer_irreps_hidden: ") + e.what());
      }
  h.scalars_e = activation(f, f.attr_string("/", "nonlinearity_scalars_e"));
  h.scalars_o = activation(f, f.attr_string("/", "nonlinearity_scalars_o"));
  h.gates_e = activation(f, f.attr_string("/", "nonlinearity_gates_e"));
  h.gates_o = activation(f, f.attr_string("/", "nonlinearity_gates_o"));
  if (h.num_layers < 1 || h.num_basis < 1 || h.invariant_layers < 0 || h.invariant_neurons < 1)
    throw InputError(path, "layer or basis counts are not positive");
  // Before any plan is built, so that a damaged count (2^31 layers) is refused, not looped over.
  constexpr int kMaxLayers = 64;
  if (std::max(h.num_layers, h.invariant_layers) > kMaxLayers)
    throw InputError(path, fmt::format("num_layers = {} and invariant_layers = {}: more than {} layers",
                                       h.num_layers, h.invariant_layers, kMaxLayers));
  if (h.sh.size() > 4) throw InputError(path, "edge spherical harmonics above l = 3 are not supported");
  // l_max is informational (irreps_edge_sh decides), so a file where the two disagree is damaged.
  if (f.has_attr("/", "l_max") && f.attr_int("/", "l_max") != static_cast<std::int64_t>(h.sh.size()) - 1)
    throw InputError(path, fmt::format("l_max = {} disagrees with irreps_edge_sh '{}'", f.attr_int("/", "l_max"),
                                       h.sh.str()));

  NequipModel m;
  try {
    build_plans(h, m);
  } catch (const std::invalid_argument& e) {
    throw InputError(path, e.what());
  }
  for (const auto& L : m.layers)
    for (const auto* plan : {&L.linear_1, &L.linear_2, &L.sc})
      for (const auto& p : plan->paths)
        if (std::max(p.mul_in, p.mul_out) > nequip::kMaxLinearMul)
          throw InputError(path, fmt::format("a multiplicity of {} exceeds this build's limit of {}",
                                             std::max(p.mul_in, p.mul_out), nequip::kMaxLinearMul));
  if (h.num_basis > nequip::kMaxBasis)
    throw InputError(path, fmt::format("{} radial basis functions exceed this build's limit of {}", h.num_basis,
                                       nequip::kMaxBasis));
  for (const auto& L : m.layers)
    for (const auto& t : L.tp)
      if (std::max(t.l1, t.l3) > nequip::kMaxTpL)
        throw InputError(path, fmt::format("features of l = {} exceed this build's limit of l = {}",
                                           std::max(t.l1, t.l3), nequip::kMaxTpL));
  m.r_max = f.attr_double("/", "r_max");
  m.cutoff_p = f.attr_double("/", "polynomial_cutoff_p");
  m.avg_num_neighbors = f.attr_double("/", "avg_num_neighbors");
  if (!(m.r_max > 0) || !(m.avg_num_neighbors > 0) || !(m.cutoff_p > 0))
    throw InputError(path, "r_max, avg_num_neighbors and polynomial_cutoff_p must be positive");
  if (plain_mlp) {  // x @ W, then the activation itself (no e3nn normalisation constant)
    m.mlp_fan_in_scaling = false;
    m.mlp_act.cst = 1.0;
  }
  if (h.layer_norm) {
    m.norm_eps = f.attr_double("/", "layer_norm_eps");
    if (!(m.norm_eps >= 0)) throw InputError(path, "layer_norm_eps must be a non-negative number");
  }
  m.trained_dtype = f.has_attr("/", "trained_dtype") ? f.attr_string("/", "trained_dtype") : "";
  for (const char* key : {"source_kind", "source_file", "nequip_version", "nequix_version", "exported_utc"})
    if (f.has_attr("/", key)) m.provenance += fmt::format("{}{}={}", m.provenance.empty() ? "" : ", ", key, f.attr_string("/", key));

  const std::size_t types = m.type_names.size();
  m.bessel_weights = weights(f, "radial_basis.basis.bessel_weights", static_cast<std::size_t>(h.num_basis));
  if (!h.one_hot_embedding) m.w_embedding = weights(f, "chemical_embedding.linear.weight", count(m.embedding));
  for (std::size_t k = 0; k < m.layers.size(); ++k) {
    auto& L = m.layers[k];
    const std::string pre = fmt::format("layer{}_convnet.conv.", k);
    L.w_linear_1 = weights(f, pre + "linear_1.weight", count(L.linear_1));
    L.w_linear_2 = weights(f, pre + "linear_2.weight", count(L.linear_2));
    if (L.use_sc) L.w_sc = weights(f, pre + "sc.weight", count(L.sc));
    if (!L.norm.empty()) L.w_norm = weights(f, pre + "layer_norm.weight", static_cast<std::size_t>(L.conv_out.num_irreps()));
    for (std::size_t j = 0; j + 1 < L.mlp_sizes.size(); ++j)
      L.w_mlp.push_back(weights(f, fmt::format("{}fc.layer{}.weight", pre, j),
                                static_cast<std::size_t>(L.mlp_sizes[j] * L.mlp_sizes[j + 1])));
  }
  if (!h.single_readout) m.w_head_hidden = weights(f, "conv_to_output_hidden.linear.weight", count(m.head_hidden));
  m.w_head_out = weights(f, "output_hidden_to_scalar.linear.weight", count(m.head_out));
  m.scales = weights(f, "per_species_rescale.scales", types);
  m.shifts = weights(f, "per_species_rescale.shifts", types);
  m.global_scale = weights(f, "global_scale", 1)[0];
  return m;
}

}  // namespace mdgpu
