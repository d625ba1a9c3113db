// Energy, per-atom energies, forces and virial of a NequIP model, in float32 or float64 network
// precision; geometry, linear accumulation, scale/shift and the energy sums stay in float64 as in
// nequip. Forces come from a hand-written backward pass; the per-edge radial MLP, and each layer
// from its input, are recomputed in the backward pass instead of stored, so memory stays
// O(atoms × features + edges × basis) with a small constant (model/nequip_buffers.hpp).
//
// The evaluation runs where its kernels run (kernels/nequip_kernels.hpp): on the host with OpenMP,
// or on a CUDA device, reading and writing arrays in that memory space; the model's weights are
// uploaded there once and the work buffers grow with the atoms and edges but are not reallocated
// per evaluation.
#pragma once

#include <memory>

#include "core/box.hpp"
#include "core/box_data.hpp"
#include "kernels/memory.hpp"
#include "kernels/nequip_kernels.hpp"
#include "kernels/views.hpp"
#include "model/nequip_buffers.hpp"
#include "model/nequip_model.hpp"

namespace mdgpu {

// Arrays in the evaluator's memory space; `neighbors` is a full list with cut-off >= r_max.
// `type` holds model type indices, or indices into `type_map` (model types) when that is given.
// The n atoms are the graph's nodes; the first `centres` of them (all when -1) are the atoms
// whose energy this evaluation owns, the rest ghosts: copies of atoms that another evaluation (an
// MPI rank) owns, whose features a NequipHalo brings. A ghost's neighbor list needs to hold only
// its centre neighbors. Standalone, every atom is a centre and the box's images are the ghosts;
// the graph then numbers its nodes in the list's spatial order (NeighborView::order), for memory
// locality, and with ghosts in the atoms' own. Inputs and outputs are by atom either way.
struct NequipInput {
  int n = 0;
  const double *x = nullptr, *y = nullptr, *z = nullptr;
  const int* type = nullptr;
  NeighborView neighbors;
  BoxData box;
  const int* type_map = nullptr;
  int centres = -1;
};

// Energy and per-atom energies are the centres'; forces are on every node (a ghost's force belongs
// to its owner); the virial is the sum over the centres' edges, so it splits across evaluations.
struct NequipOutput {
  bool tally = true;    // input; false: forces only, energy, virial and per-atom energies left as they were
  double energy = 0.0;  // eV
  Mat3 virial{};        // eV, -dE/d(strain), symmetric
  double *fx = nullptr, *fy = nullptr, *fz = nullptr;  // n each, overwritten (eV/Å), evaluator's space
  double* per_atom_energy = nullptr;                    // optional, centres, evaluator's space
};

// Node features of one layer, [node][width] in the evaluator's space and precision (one of the
// two pointers is set).
struct HaloFeatures {
  float* f32 = nullptr;
  double* f64 = nullptr;
  int width = 0;
};

// The exchange of ghost features across evaluations, called for every layer after the first:
// `forward` before the layer (fill the ghosts' rows from their owners), `reverse` in the backward
// pass once the layer's input gradient is complete (add the ghosts' rows to their owners' rows).
class NequipHalo {
public:
  virtual ~NequipHalo() = default;
  virtual void forward(const HaloFeatures& features) = 0;
  virtual void reverse(const HaloFeatures& gradients) = 0;
};

class NequipEvaluator {
public:
  virtual ~NequipEvaluator() = default;
  // `halo` may be null when there are no ghosts.
  virtual void evaluate(const NequipInput& in, NequipOutput& out, NequipHalo* halo = nullptr) = 0;
  // Reads what evaluations left to check on the device (a standalone evaluation that reads no
  // results leaves its reverse-edge check there); throws RuntimeFailure when one failed.
  virtual void check_deferred() = 0;
  // A standalone forces-only evaluation on the device (out.tally false) does not read its edge
  // count back: its edges go to slots sized by the count last read (nequip_edge_slots) when the
  // list's update was decided on the device (NeighborView::deferred, whose steps can be redone),
  // else to as many slots as the list has pairs (a bound: they cannot overflow). One that outgrows
  // its slots computes no edges (zero forces) and says so here: settle() reads whether any did
  // since the last call (one copy to the host), makes room for what they needed, and clears the
  // flag; their steps are void.
  virtual bool settle() = 0;
  // At most `slots` edge slots for the unread counts of deferred steps (tests force overflows
  // with 0).
  virtual void limit_edge_slots_for_tests(std::int64_t slots) = 0;
};

// On the host (Space::Host) or the CUDA device (Space::Device; RuntimeFailure without the CUDA
// backend). `model` must outlive the evaluator.
std::unique_ptr<NequipEvaluator> make_nequip_evaluator(const NequipModel& model, bool float64,
                                                       Space space = Space::Host);

// With the given kernels (e.g. the device's item kernels run on the host, for conformance tests),
// and each layer's messages and per-atom tail in chunks of `chunk` receivers
// (model/nequip_buffers.hpp).
template <class T>
std::unique_ptr<NequipEvaluator> make_nequip_evaluator(const NequipModel& model,
                                                       std::unique_ptr<nequip::Kernels<T>> kernels,
                                                       int chunk = kNequipChunk);

}  // namespace mdgpu
