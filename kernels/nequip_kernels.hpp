// The kernel interface of the NequIP evaluation (one interface, several platforms, as Backend):
// each call is one step of the network over all atoms or edges, on views into the kernels' space.
// model/nequip_evaluator.cpp owns the buffers and strings the steps together once for every
// platform. Unless said otherwise a call accumulates (+=) into outputs that the caller zeroes.
#pragma once

#include <array>
#include <cstdint>

#include "kernels/memory.hpp"
#include "kernels/nequip_graph_bodies.hpp"
#include "kernels/nequip_views.hpp"

namespace mdgpu::nequip {

template <class T>
class Kernels {
public:
  virtual ~Kernels() = default;
  virtual Space space() const = 0;

  // --- graph (nodes numbered as AtomsIn says: node v is atom atom_of[v], identity when null) ---
  // node_of[atom_of[v]] = v for every node v: the inverse of the nodes' order (overwrites).
  virtual void invert_order(int n, const int* atom_of, int* node_of) = 0;
  // model_type[v] = the model type of node v's atom: type_map ? type_map[t] : t, t = type[atom]
  // (overwrites).
  virtual void model_types(int n, const int* type, const int* type_map, const int* atom_of, int* model_type) = 0;
  // Writes row[0..n] (the CSR starts of the edges within r_max, over every node) and returns
  // the edge count of every row; `centre_edges` = row[in.centres] (the message edges).
  virtual std::int64_t edge_rows(const AtomsIn& in, std::int64_t* row, std::int64_t& centre_edges) = 0;
  // The same rows, the count left unread (no synchronisation on the device; see Edges), for
  // edges held in `slots` slots. Rows that would need more are left empty (row[0..n] = 0: a graph
  // without edges), and *needed (one value in the kernels' space, not read back) becomes their
  // count when that is more than it held.
  virtual void edge_rows_unread(const AtomsIn& in, std::int64_t* row, std::int64_t slots, std::int64_t* needed) = 0;
  // center, neighbor, image, vec of every row (an empty row is skipped, whatever its atom's list).
  virtual void fill_edges(const AtomsIn& in, const Edges& e) = 0;
  // Fills e.rev of every row and sets *flag (one value in the kernels' space, not read back) to 1
  // when some edge has no reverse (the neighbor list is not symmetric, or a ghost's list lacks a
  // centre); otherwise leaves it as it was, so that it tells of every call since it was cleared.
  virtual void reverse_edges(const Edges& e, std::int64_t* flag) = 0;
  virtual void edge_basis(const Edges& e, const EdgeBasis& b, const EdgeFeatures<T>& f) = 0;  // Y emb

  // --- per atom ---
  virtual void embed(int n, const int* model_type, const LinearView& L, T* out) = 0;
  // `type` selects the weight slice when L.types > 1 (else may be null).
  virtual void linear(int n, const LinearView& L, const int* type, const T* in, T* out) = 0;
  virtual void linear_backward(int n, const LinearView& L, const int* type, const T* grad_out, T* grad_in) = 0;
  virtual void gate(int n, const GateView& G, const T* in, T* out) = 0;  // overwrites out
  virtual void gate_backward(int n, const GateView& G, const T* in, const T* grad_out, T* grad_in) = 0;
  virtual void layer_norm(int n, const NormView& N, const T* in, T* out) = 0;  // overwrites out
  virtual void layer_norm_backward(int n, const NormView& N, const T* in, const T* grad_out, T* grad_in) = 0;
  virtual void add(std::int64_t count, const T* x, T* y) = 0;  // y += x
  virtual void scale(std::int64_t count, T s, T* y) = 0;       // y *= s
  // dE/d(raw atomic energy) = global * scale[type] (overwrites).
  virtual void energy_seed(int n, const int* model_type, const EnergyScale& s, T* grad) = 0;

  // --- messages of one interaction layer, for a chunk of receivers r (agg, gmsg: their rows) ---
  // agg[a - r.r0] += the messages of a's edges (radial MLP of the edge embedding -> TP weights).
  virtual void messages(const Edges& e, Receivers r, const EdgeFeatures<T>& f, const RadialMlp<T>& mlp,
                        const TensorProduct<T>& tp, const T* x1, T* agg) = 0;
  // Their backward from gmsg = dE/d(agg) (tp.scale included): per edge of the receivers f.gY +=
  // dE/dY, f.gemb += dE/d(embedding), and gx1 += dE/dx1 through these messages (every sender, ghost
  // nodes too). Each sender sums over its row, whose edges are sorted by receiver (atom_edges), so
  // the chunks of receivers taken in order give gx1 the same sum as one chunk of every centre.
  virtual void messages_backward(const Edges& e, Receivers r, const EdgeFeatures<T>& f, const RadialMlp<T>& mlp,
                                 const TensorProduct<T>& tp, const T* x1, const T* gmsg, T* gx1) = 0;

  // --- results (float64) ---
  // gvec = dE/dr per edge (3 per edge of every row, 0 on mirror edges; the harmonics' and the
  // embedding's derivatives recomputed from e.vec), then the forces on every node, written to its
  // atom (overwritten).
  virtual void forces(const Edges& e, const EdgeBasis& b, const EdgeFeatures<T>& f, const int* atom_of,
                      double* gvec, double* fx, double* fy, double* fz) = 0;
  // Sum over edges of -dE/dr ⊗ r, row-major (not yet symmetrised).
  virtual std::array<double, 9> virial(const Edges& e, const double* gvec) = 0;
  // Total energy (summed in atom order); the atomic energies of the n nodes into per_atom, by
  // atom, when given.
  virtual double energy(int n, const int* model_type, const EnergyScale& s, const T* raw, const int* atom_of,
                        double* per_atom) = 0;
};

}  // namespace mdgpu::nequip
