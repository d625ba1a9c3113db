// The buffers of one NequIP evaluation, sized from the model and the graph's counts: the evaluator
// (model/nequip_evaluator.cpp) allocates exactly these, and the memory report
// (benches/nequip_memory.cpp) prints them by name, so that a device-memory figure can say where
// every byte goes. The kernels' own scratch and the model's weights are not in it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/nequip_model.hpp"

namespace mdgpu {

// Atoms per chunk of a layer's aggregated messages and per-atom tail (linear_2, self-connection,
// layer norm, gate, the output head and their backward): its work buffers hold one chunk, not
// every atom.
inline constexpr int kNequipChunk = 16384;

// Edge slots of an evaluation that does not read its edge count back (a standalone one on the
// device, in steps whose list the device updates: NeighborView::deferred), sized from the count
// last read: a fifth more and 64, the neighbor list's own headroom (NeighborList::kHeadroom*),
// for the edges to grow between reads. An evaluation that outgrows them voids its steps, which
// are redone (model/nequip_evaluator.hpp).
inline std::int64_t nequip_edge_slots(std::int64_t edges) { return edges + edges / 5 + 64; }

// Element counts. Only each layer's input is kept for the backward pass (the layer is recomputed
// from it there), and its buffer then takes the gradient with respect to it; the rest of the
// per-atom work is one set, as wide as the widest layer.
struct NequipBufferSizes {
  // graph: every edge within r_max, the mirror edges of ghosts included (`all`); node: each atom's
  // node in the neighbor list's order (a standalone evaluation's; one with ghosts has none)
  std::size_t type = 0, node = 0, row = 0;
  std::size_t center = 0, neighbor = 0, image = 0, rev = 0, vec = 0, gvec = 0;
  // per message edge: harmonics, radial embedding, and the energy's gradients with respect to them
  std::size_t Y = 0, emb = 0, gY = 0, gemb = 0;
  // per node
  std::vector<std::size_t> x;  // x[l]: layer l's input, then dE/dx[l]
  std::size_t x1 = 0;          // linear_1(x[l])
  std::size_t raw = 0;         // atomic energy before scale and shift
  std::size_t gx1 = 0, graw = 0;  // backward
  // per chunk: the aggregated message (backward: its gradient), convolution output, after the layer norm (if any layer has one), the last layer's
  // output and the head's hidden layer (backward: their gradients); the gradients of the first two
  std::size_t msg = 0, pre = 0, normed = 0, out = 0, hidden = 0, gpre = 0, gnormed = 0;
};

// For `nodes` atoms (centres and ghosts: every per-node buffer holds them all), `edges` message
// edges and `all` edges, the per-atom tail in chunks of `chunk` atoms.
NequipBufferSizes nequip_buffer_sizes(const NequipModel& model, int nodes, std::int64_t edges, std::int64_t all,
                                      int chunk = kNequipChunk);

struct NamedBytes {
  std::string name;
  std::size_t bytes = 0;
};

// Every buffer by name with its size in bytes (network values of 4 or 8 bytes).
std::vector<NamedBytes> nequip_buffer_bytes(const NequipBufferSizes& s, bool float64);

}  // namespace mdgpu
