// A roofline estimate of one NequIP MD step on a GPU, from a model file's plans: floating-point
// operations and DRAM bytes of every kernel of the fused CUDA path, per atom, and the time each
// would take at a device's peak arithmetic rate or peak bandwidth, whichever binds. It is an
// ESTIMATE (an upper bound on speed): it ignores latency, occupancy, divergence and the caches
// beyond two stated cases for the gathered sender rows, and counts operations by a stated model:
//
// - a dense layer: 2 in·out flops per row (FMA = 2); an activation: 8 flops per value;
// - a 'uvu' tensor-product instruction, per edge and channel: 3 flops per non-zero coupling
//   coefficient C[k1][k2][k3] (C·Y, then an FMA with x1) and 2 per output component (path weight,
//   TP weight); its backward (dE/dY and dE/dw in one kernel, dE/dx1 in another) 3 times that;
// - the radial MLP is recomputed in each of the three message kernels (forward, edge gradients,
//   sender gradients), and run backward once;
// - bytes: every array a kernel reads or writes crosses DRAM once per kernel, except the sender
//   rows a message kernel gathers: once per edge ("no reuse") or once per atom ("ideal reuse",
//   atoms sorted spatially so that neighbours share cache lines).
//
//   mdgpu_roofline MODEL.mdgpu.h5 EDGES_PER_ATOM [float32|float64] [LAUNCHES_PER_STEP]
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "model/nequip_model.hpp"

namespace {

using namespace mdgpu;

struct Cost {
  const char* kernel;
  double flops_per_atom = 0, bytes_per_atom = 0, bytes_no_reuse = 0;  // no_reuse: gathers per edge
};

double linear_flops(const LinearPlan& p) {
  double f = 0;
  for (const auto& path : p.paths) f += 2.0 * path.mul_in * path.mul_out * path.dim;
  return f;
}

double mlp_flops(const LayerPlan& L) {
  double f = 0;
  for (std::size_t j = 0; j + 1 < L.mlp_sizes.size(); ++j) {
    f += 2.0 * L.mlp_sizes[j] * L.mlp_sizes[j + 1];
    if (j + 2 < L.mlp_sizes.size()) f += 8.0 * L.mlp_sizes[j + 1];
  }
  return f;
}

double tp_flops(const NequipModel& m, const LayerPlan& L) {
  double f = 0;
  for (const auto& t : L.tp) {
    const int d1 = 2 * t.l1 + 1, d2 = 2 * t.l2 + 1, d3 = 2 * t.l3 + 1;
    int nnz = 0;
    for (int i = 0; i < d1 * d2 * d3; ++i) nnz += m.cg[t.cg_offset + i] != 0.0;
    f += t.mul * (3.0 * nnz + 2.0 * d3);
  }
  return f;
}

// Radial-MLP flops per atom over the three message kernels (3 forward passes, 1 backward).
double mlp_share(const NequipModel& m, double e) {
  double f = 0;
  for (const LayerPlan& L : m.layers) f += 4 * e * mlp_flops(L);
  return f;
}

std::vector<Cost> step_costs(const NequipModel& m, double e, double T) {
  const int sh = m.sh.dim(), nb = m.num_basis;
  std::vector<Cost> c;
  // Geometry: vec (3 doubles), Y, dY, emb, demb per edge, two gathered positions; ~40 flops per
  // basis function (sine, envelope, derivatives), ~60 per harmonic (value and gradient).
  c.push_back({"edge basis", e * (40.0 * nb + 60.0 * sh), e * (48 + T * (4 * sh + 2 * nb) + 16), 0});
  Cost lin{"linears (all, fwd + bwd)"}, msg{"messages (fwd)"}, eg{"edge gradients"}, sg{"sender gradients"},
      pw{"gate, norm, resnet (fwd + bwd)"};
  for (const LayerPlan& L : m.layers) {
    const double in = L.in.dim(), mid = L.mid.dim(), conv = L.conv_out.dim(), out = L.out.dim();
    const double mlp = mlp_flops(L), tp = tp_flops(m, L);
    const double lf = linear_flops(L.linear_1) + linear_flops(L.linear_2) + (L.use_sc ? linear_flops(L.sc) : 0);
    lin.flops_per_atom += 2 * lf;
    lin.bytes_per_atom += T * (2 * (2 * in) + 2 * (mid + conv) + (L.use_sc ? 2 * (in + 2 * conv) : 0));
    const double edge_in = T * (nb + sh) + 8;  // embeddings, harmonics, neighbour index
    msg.flops_per_atom += e * (mlp + tp);
    msg.bytes_per_atom += e * edge_in + T * (in + mid);
    msg.bytes_no_reuse += e * (edge_in + T * in) + T * mid;
    eg.flops_per_atom += e * (2 * mlp + 2 * tp);
    eg.bytes_per_atom += e * (edge_in + T * (nb + sh)) + T * (in + mid);
    eg.bytes_no_reuse += e * (edge_in + T * (nb + sh + in)) + T * mid;
    sg.flops_per_atom += e * (mlp + tp);
    sg.bytes_per_atom += e * (edge_in + 8) + T * (mid + in);
    sg.bytes_no_reuse += e * (edge_in + 8 + T * mid) + T * in;
    pw.flops_per_atom += 3 * 10.0 * conv;
    pw.bytes_per_atom += T * (2 * conv + 2 * out + 3 * conv + 2 * out);
  }
  lin.flops_per_atom += 4 * (linear_flops(m.head_hidden) + linear_flops(m.head_out));
  for (Cost* k : {&lin, &pw}) k->bytes_no_reuse = k->bytes_per_atom;
  c.insert(c.end(), {lin, msg, eg, sg, pw});
  // Forces: per edge dE/dvec from gY, gemb, dY, demb; per atom a gather over its row (rev).
  c.push_back({"forces", e * (6.0 * sh + 6.0 * nb), e * (T * (4 * sh + 2 * nb) + 24 + 24 + 8) + 24, 0});
  c.back().bytes_no_reuse = c.back().bytes_per_atom;
  c[0].bytes_no_reuse = c[0].bytes_per_atom;
  return c;
}

struct Device {
  const char* name;
  double fp32, fp64, bandwidth;  // flop/s without tensor cores, byte/s
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 5) {
    std::fprintf(stderr, "usage: mdgpu_roofline MODEL.mdgpu.h5 EDGES_PER_ATOM [float32|float64] [LAUNCHES_PER_STEP]\n");
    return 2;
  }
  const double e = std::atof(argv[2]);
  const std::string precision = argc > 3 ? argv[3] : "float32";
  const double launches = argc > 4 ? std::atof(argv[4]) : 0.0;
  if (e <= 0 || (precision != "float32" && precision != "float64")) {
    std::fprintf(stderr, "mdgpu_roofline: error: EDGES_PER_ATOM must be > 0 and the precision float32 or float64\n");
    return 2;
  }
  NequipModel model;
  try {
    model = NequipModel::load(argv[1]);
  } catch (const std::exception& err) {
    std::fprintf(stderr, "mdgpu_roofline: error: %s\n", err.what());
    return 2;
  }
  const bool f64 = precision == "float64";
  const std::vector<Cost> costs = step_costs(model, e, f64 ? 8.0 : 4.0);
  // Vendor peaks (dense, SXM parts): H100 SXM5 67 TFLOP/s FP32, 34 FP64, 3.35 TB/s; H200 the same
  // arithmetic, 4.8 TB/s.
  const Device devices[] = {{"H100 SXM", 67e12, 34e12, 3.35e12}, {"H200", 67e12, 34e12, 4.8e12}};
  std::printf("%s, %s, %.1f edges per atom, %zu layers\n\n", argv[1], precision.c_str(), e, model.layers.size());
  std::printf("| kernel | kflop/atom | kB/atom (ideal reuse) | kB/atom (no reuse) | flop/byte (ideal) |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  double flops = 0, bytes = 0, bytes_nr = 0;
  for (const Cost& c : costs) {
    std::printf("| %s | %.1f | %.2f | %.2f | %.1f |\n", c.kernel, c.flops_per_atom / 1e3, c.bytes_per_atom / 1e3,
                c.bytes_no_reuse / 1e3, c.flops_per_atom / c.bytes_per_atom);
    flops += c.flops_per_atom;
    bytes += c.bytes_per_atom;
    bytes_nr += c.bytes_no_reuse;
  }
  std::printf("| total | %.1f | %.2f | %.2f | %.1f |\n\n", flops / 1e3, bytes / 1e3, bytes_nr / 1e3, flops / bytes);
  std::printf("of the flops, the radial MLP (recomputed in the three message kernels): %.1f %%\n\n",
              100.0 * mlp_share(model, e) / flops);
  std::printf("| device | atom-steps/s at peak (ideal reuse) | at 30 %% of peak | share of time arithmetic-bound | "
              "atom-steps/s at peak (no reuse) |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  for (const Device& d : devices) {
    double t = 0, t_arith = 0, t_nr = 0;
    for (const Cost& c : costs) {
      const double tc = c.flops_per_atom / (f64 ? d.fp64 : d.fp32);
      const double tm = c.bytes_per_atom / d.bandwidth, tm_nr = c.bytes_no_reuse / d.bandwidth;
      t += tc > tm ? tc : tm;
      t_arith += tc > tm ? tc : 0.0;
      t_nr += tc > tm_nr ? tc : tm_nr;
    }
    std::printf("| %s | %.3g | %.3g | %.0f %% | %.3g |\n", d.name, 1.0 / t, 0.3 / t, 100.0 * t_arith / t, 1.0 / t_nr);
  }
  if (launches > 0) {
    // A small system is bound by launch latency: ~2.5 us per kernel on a stream, ~1 us replayed
    // from a CUDA graph (typical figures, not measured here).
    std::printf("\nlaunch-bound floor: %.0f launches per step -> at most %.0f steps/s on a stream (2.5 us each), "
                "%.0f from a CUDA graph (1 us each)\n",
                launches, 1.0 / (launches * 2.5e-6), 1.0 / (launches * 1e-6));
  }
  return 0;
}
