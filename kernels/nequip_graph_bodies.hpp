// Per-item bodies of the NequIP evaluation over the graph, shared by the host loops and the CUDA
// kernels: edge selection and reverse edges (per atom), edge geometry (per edge), the messages of
// one receiver's row, and forces, virial and energies from the gradients.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/neighbor_bodies.hpp"
#include "kernels/nequip_views.hpp"
#include "kernels/spherical_harmonics.hpp"

namespace mdgpu::nequip {

inline constexpr int kMaxShDim = (kMaxShL + 1) * (kMaxShL + 1);

// Slots i and j of the edges swapped (center is the row's atom in both).
MDGPU_HD void swap_edges(const Edges& e, std::int64_t i, std::int64_t j) {
  const int b = e.neighbor[i];
  e.neighbor[i] = e.neighbor[j];
  e.neighbor[j] = b;
  const std::int32_t im = e.image[i];
  e.image[i] = e.image[j];
  e.image[j] = im;
  for (int c = 0; c < 3; ++c) {
    const double v = e.vec[3 * i + c];
    e.vec[3 * i + c] = e.vec[3 * j + c];
    e.vec[3 * j + c] = v;
  }
}

// Edges of node v: the neighbors of its atom closer than r_max (a ghost's: its centre neighbors
// only), in node numbers. Returns the count; when `e.neighbor` is given also writes them from slot
// `first` on (so counting and filling always agree), sorted by neighbor node (stably: images of one
// neighbor in list order), so that the edges of a row to a range of receivers are contiguous
// (row_span) and a sender's gradient, summed over its row, is the same sum whatever chunks of
// receivers produce it.
MDGPU_HD int atom_edges(const AtomsIn& in, int v, std::int64_t first, const Edges& e) {
  const NeighborView& nl = in.neighbors;
  const int a = renumbered(in.atom_of, v);
  const bool ghost = v >= in.centres;
  int count = 0;
  for (std::int64_t p = nl.offsets[a]; p < nl.offsets[a + 1]; ++p) {
    const int b = renumbered(in.node_of, nl.index[p]);
    if (ghost && b >= in.centres) continue;
    double r[3];
    neighbor_vector(nl, in.box, in.x, in.y, in.z, a, p, r);
    if (r[0] * r[0] + r[1] * r[1] + r[2] * r[2] >= in.r_max2) continue;
    if (e.neighbor) {
      const std::int64_t k = first + count;
      e.center[k] = v;
      e.neighbor[k] = b;
      e.image[k] = nl.image[p];
      for (int c = 0; c < 3; ++c) e.vec[3 * k + c] = r[c];
    }
    ++count;
  }
  if (e.neighbor)  // insertion sort: rows are short (tens of edges)
    for (std::int64_t i = first + 1; i < first + count; ++i)
      for (std::int64_t j = i; j > first && e.neighbor[j - 1] > e.neighbor[j]; --j) swap_edges(e, j - 1, j);
  return count;
}

// The first edge of a's row whose neighbor is >= b (rows are sorted by neighbor).
MDGPU_HD std::int64_t first_edge_to(const Edges& e, int a, int b) {
  std::int64_t lo = e.row[a], hi = e.row[a + 1];
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (e.neighbor[mid] < b) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// rev of each edge of atom a: the edge b -> a with the opposite image. Returns false if one has
// none (an asymmetric list); that edge's rev is then the edge itself (never a true reverse: no atom
// neighbors itself in its own image), so that kernels run before the check is read stay in bounds.
MDGPU_HD bool atom_reverse_edges(const Edges& e, int a) {
  bool found_all = true;
  for (std::int64_t k = e.row[a]; k < e.row[a + 1]; ++k) {
    int n0, n1, n2;
    unpack_image(e.image[k], n0, n1, n2);
    const std::int32_t back = pack_image(-n0, -n1, -n2);
    const int b = e.neighbor[k];
    std::int64_t rev = -1;
    for (std::int64_t f = e.row[b]; f < e.row[b + 1]; ++f)
      if (e.neighbor[f] == a && e.image[f] == back) rev = f;
    found_all = found_all && rev >= 0;
    e.rev[k] = rev >= 0 ? rev : k;
  }
  return found_all;
}

// Harmonics and radial embedding of edge k. Geometry in float64 whatever the network precision.
template <class T>
MDGPU_HD void edge_basis(const EdgeBasis& b, const double* vec, std::int64_t k, const EdgeFeatures<T>& f) {
  double y[kMaxShDim], rb[kMaxBasis];
  const double* r = vec + 3 * k;
  spherical_harmonics(b.sh_lmax, r[0], r[1], r[2], y);
  const double len = std::sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
  radial_embedding(len, b.r_max, b.cutoff_p, b.bessel, b.num_basis, rb, static_cast<double*>(nullptr));
  for (int c = 0; c < b.sh_dim; ++c) f.Y[k * b.sh_dim + c] = T(y[c]);
  for (int c = 0; c < b.num_basis; ++c) f.emb[k * b.num_basis + c] = T(rb[c]);
}

// A chunk of receivers: the centres [r0, r1), whose messages (and their gradients) are held for
// this chunk only, receiver a's at row a - r0.
struct Receivers {
  int r0 = 0, r1 = 0;
  MDGPU_HD int count() const { return r1 - r0; }
};

// The edges [k0, k1) of a's row whose neighbor is one of the receivers r.
MDGPU_HD void row_span(const Edges& e, int a, Receivers r, std::int64_t& k0, std::int64_t& k1) {
  k0 = first_edge_to(e, a, r.r0);
  k1 = first_edge_to(e, a, r.r1);
}

// The aggregated message of receiver a: its edges in row order, w_row = the TP weights of the
// row's first edge (tp.weights per edge), agg = a's slot (dmid), zeroed by the caller.
template <class T>
MDGPU_HD void atom_messages(const TensorProduct<T>& tp, const Edges& e, const T* Y, const T* w_row,
                            const T* x1, int a, T* agg) {
  const std::int64_t first = e.row[a];
  for (std::int64_t k = first; k < e.row[a + 1]; ++k)
    tp_message(tp.instr, tp.n_instr, tp.cg, Y + k * tp.sh_dim, w_row + (k - first) * tp.weights,
               x1 + static_cast<std::int64_t>(e.neighbor[k]) * tp.din, tp.scale, agg);
}

// dE/d(features of a) through the messages a sends to the receivers r: the reverse message of
// each edge [k0, k1) of a's row (row_span; same weights, w = edge k0's, Y(-r) = (-1)^l Y(r))
// against the receiver's gradient gmsg (the chunk's rows); gx1 = a's slot.
template <class T>
MDGPU_HD void atom_message_grad_x(const TensorProduct<T>& tp, const Edges& e, const T* Y, const T* w, const T* gmsg,
                                  Receivers r, std::int64_t k0, std::int64_t k1, T* gx1) {
  T yrev[kMaxShDim];
  for (std::int64_t k = k0; k < k1; ++k) {
    if (e.neighbor[k] >= e.n) continue;  // a ghost receives no message here: its owner's rank adds it
    const T* y = Y + k * tp.sh_dim;
    for (int l = 0; l <= tp.sh_lmax; ++l)
      for (int c = l * l; c < (l + 1) * (l + 1); ++c) yrev[c] = (l % 2) ? -y[c] : y[c];
    tp_message_grad_x(tp.instr, tp.n_instr, tp.cg, yrev, w + (k - k0) * tp.weights,
                      gmsg + static_cast<std::int64_t>(e.neighbor[k] - r.r0) * tp.dmid, gx1);
  }
}

// dE/d(features of the ghost sender) through the message of edge k (whose neighbor is a ghost,
// whose center is one of the receivers r), written to the slot of its mirror edge (tp.din each,
// overwritten).
template <class T>
MDGPU_HD void ghost_sender_grad(const TensorProduct<T>& tp, const Edges& e, const T* Y, const T* w_k, const T* gmsg,
                                Receivers r, std::int64_t k, T* gmirror) {
  T* g = gmirror + (e.rev[k] - e.count) * tp.din;
  for (int c = 0; c < tp.din; ++c) g[c] = T(0);
  tp_message_grad_x(tp.instr, tp.n_instr, tp.cg, Y + k * tp.sh_dim, w_k,
                    gmsg + static_cast<std::int64_t>(e.center[k] - r.r0) * tp.dmid, g);
}

// gx1 of ghost node a += the slots of its mirror edges to the receivers r, in row order.
template <class T>
MDGPU_HD void ghost_grad_x(const Edges& e, const T* gmirror, int din, int a, Receivers r, T* gx1) {
  std::int64_t k0, k1;
  row_span(e, a, r, k0, k1);
  for (std::int64_t k = k0; k < k1; ++k)
    for (int c = 0; c < din; ++c) gx1[c] += gmirror[(k - e.count) * din + c];
}

// dE/dr of edge k (float64) from the gradients with respect to its embedding and harmonics, and
// their derivatives recomputed from the edge vector in float64 (the cut-off polynomial's
// derivative cancels badly near r_max in float32).
template <class T>
MDGPU_HD void edge_gradient(const EdgeBasis& b, const double* vec, const EdgeFeatures<T>& f, std::int64_t k,
                            double* gvec) {
  double y[kMaxShDim], dy[3 * kMaxShDim], rb[kMaxBasis], drb[kMaxBasis];
  const double* r = vec + 3 * k;
  spherical_harmonics_grad(b.sh_lmax, r[0], r[1], r[2], y, dy);
  const double len = std::sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
  radial_embedding(len, b.r_max, b.cutoff_p, b.bessel, b.num_basis, rb, drb);
  double dr = 0.0;  // dE/d|r|
  for (int n = 0; n < b.num_basis; ++n) dr += static_cast<double>(f.gemb[k * b.num_basis + n]) * drb[n];
  for (int c = 0; c < 3; ++c) {
    double g = dr * r[c] / len;
    for (int s = 0; s < b.sh_dim; ++s) g += static_cast<double>(f.gY[k * b.sh_dim + s]) * dy[s * 3 + c];
    gvec[3 * k + c] = g;
  }
}

// F_a = sum over node a's edges of dE/dr_ab - dE/dr_ba (r_ab = r_b - r_a), written to its atom
// (atom_of, AtomsIn); gvec is 0 on mirror edges.
MDGPU_HD void atom_force(const Edges& e, const double* gvec, int a, const int* atom_of, double* fx, double* fy,
                         double* fz) {
  double* f[3] = {fx, fy, fz};
  const int atom = renumbered(atom_of, a);
  for (int c = 0; c < 3; ++c) {
    double s = 0.0;
    for (std::int64_t k = e.row[a]; k < e.row[a + 1]; ++k) s += gvec[3 * k + c] - gvec[3 * e.rev[k] + c];
    f[c][atom] = s;
  }
}

// Adds edge k's term of the virial, W -= dE/dr ⊗ r (row-major 3x3).
MDGPU_HD void add_edge_virial(const double* gvec, const double* vec, std::int64_t k, double* w) {
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) w[3 * i + j] -= gvec[3 * k + i] * vec[3 * k + j];
}

template <class T>
MDGPU_HD double atom_energy(const EnergyScale& s, int type, T raw) {
  return s.global * (s.shifts[type] + s.scales[type] * static_cast<double>(raw));
}

}  // namespace mdgpu::nequip
