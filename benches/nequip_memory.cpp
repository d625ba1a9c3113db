// The NequIP evaluator's buffers by name for a model at given atom counts and neighbours per atom
// (model/nequip_buffers.hpp: what the evaluator allocates, in either space), with the marginal
// bytes per atom. Not counted: the model's weights (a constant) and the kernels' own scratch
// (tests/simt/test_simt_memory.cpp measures both against the emulator's allocator). The last
// line, `slotted`, is the total in a deferred device stage, whose forces-only evaluations hold
// their edges in slots with headroom (model/nequip_buffers.hpp, nequip_edge_slots).
//
//   mdgpu_nequip_memory MODEL.mdgpu.h5 NEIGHBOURS ATOMS...
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "model/nequip_buffers.hpp"
#include "model/nequip_model.hpp"

namespace {

using namespace mdgpu;

// `slots`: the edges' buffers as a step whose count stays on the device holds them
// (nequip_edge_slots), else as many as the edges.
std::vector<NamedBytes> table(const NequipModel& m, bool float64, long long atoms, double neighbours,
                              bool slots = false) {
  auto edges = static_cast<std::int64_t>(static_cast<double>(atoms) * neighbours + 0.5);
  if (slots) edges = nequip_edge_slots(edges);
  return nequip_buffer_bytes(nequip_buffer_sizes(m, static_cast<int>(atoms), edges, edges), float64);
}

double total_bytes(const std::vector<NamedBytes>& buffers) {
  double total = 0.0;
  for (const NamedBytes& b : buffers) total += static_cast<double>(b.bytes);
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s MODEL.mdgpu.h5 NEIGHBOURS ATOMS...\n", argv[0]);
    return 2;
  }
  const NequipModel m = NequipModel::load(argv[1]);
  const double neighbours = std::atof(argv[2]);
  std::vector<long long> atoms;
  for (int i = 3; i < argc; ++i) atoms.push_back(std::atoll(argv[i]));
  std::printf("%s: %zu layers, %.1f neighbours per atom (edges = atoms x neighbours, no ghosts)\n", argv[1],
              m.layers.size(), neighbours);
  for (std::size_t l = 0; l < m.layers.size(); ++l) {
    const LayerPlan& P = m.layers[l];
    std::printf("layer %zu: values per atom in %d, message %d, convolution output %d, out %d; TP weights per edge %d\n",
                l, P.in.dim(), P.mid.dim(), P.conv_out.dim(), P.out.dim(), P.tp_weights);
  }
  for (bool float64 : {false, true}) {
    std::printf("\n%s, bytes per atom (marginal, 10^6 to 2 x 10^6 atoms) and MB at each atom count\n%-10s %12s",
                float64 ? "float64" : "float32",
                "buffer", "B/atom");
    for (long long n : atoms) std::printf(" %12lld", n);
    std::printf("\n");
    // Beyond the chunk of the per-atom tail (kNequipChunk), whose buffers stop growing.
    const auto one = table(m, float64, 1000000, neighbours), two = table(m, float64, 2000000, neighbours);
    std::vector<std::vector<NamedBytes>> at;
    for (long long n : atoms) at.push_back(table(m, float64, n, neighbours));
    double per_atom_total = 0.0;
    std::vector<double> totals(atoms.size(), 0.0);
    for (std::size_t b = 0; b < one.size(); ++b) {
      const double per_atom = (static_cast<double>(two[b].bytes) - static_cast<double>(one[b].bytes)) / 1e6;
      per_atom_total += per_atom;
      std::printf("%-10s %12.1f", one[b].name.c_str(), per_atom);
      for (std::size_t i = 0; i < atoms.size(); ++i) {
        totals[i] += static_cast<double>(at[i][b].bytes);
        std::printf(" %12.3f", at[i][b].bytes / 1e6);
      }
      std::printf("\n");
    }
    std::printf("%-10s %12.1f", "total", per_atom_total);
    for (double t : totals) std::printf(" %12.3f", t / 1e6);
    std::printf("\n");
    // Forces-only steps on the device whose list the device updates: edge slots with headroom.
    std::printf("%-10s %12.1f", "slotted",
                (total_bytes(table(m, float64, 2000000, neighbours, true)) -
                 total_bytes(table(m, float64, 1000000, neighbours, true))) / 1e6);
    for (long long n : atoms) std::printf(" %12.3f", total_bytes(table(m, float64, n, neighbours, true)) / 1e6);
    std::printf("\n");
  }
  return 0;
}
