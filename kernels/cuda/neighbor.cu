// Device neighbor build: bin, stable sort by bin, bin row starts, count, scan, fill. The bodies
// (kernels/neighbor_bodies.hpp) fix the traversal; with bin_atoms and bin_start equal to the
// host's, the list comes out in the host's order.
#include "kernels/cuda/launchers.cuh"

#include <algorithm>

#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>
#include <cuda/std/functional>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/cuda_memory.hpp"
#include "kernels/cuda/launch.cuh"
#include "kernels/neighbor_bodies.hpp"

namespace mdgpu::cuda {
namespace {

// Bin of each atom, and the identity permutation that the sort carries along.
__global__ void bin_kernel(AtomsView a, BinGrid g, BoxData box, int* atom_bin, int* order) {
  const int i = item_index(a.n);
  if (i < 0) return;
  atom_bin[i] = bin_of_atom(g, box, a.x[i], a.y[i], a.z[i]);
  order[i] = i;
}

// bin_start[b] = number of atoms in bins below b (lower bound of b in the sorted bins), for
// b = 0..nbins: the row starts of the host's counting sort, empty bins included.
__global__ void bin_start_kernel(const int* sorted_bins, int n, int nbins, int* bin_start) {
  const int b = item_index(nbins + 1);
  if (b < 0) return;
  int lo = 0, hi = n;
  while (lo < hi) {
    const int mid = lo + (hi - lo) / 2;
    if (sorted_bins[mid] < b) lo = mid + 1;
    else hi = mid;
  }
  bin_start[b] = lo;
}

__global__ void count_kernel(AtomsView a, BinGrid g, BoxData box, const int* bin_start,
                             const int* bin_atoms, int* counts) {
  const int i = item_index(a.n);
  if (i < 0) return;
  counts[i] = neighbors_of_atom(g, box, a.x, a.y, a.z, bin_start, bin_atoms, i, nullptr, nullptr);
}

__global__ void fill_kernel(AtomsView a, BinGrid g, BoxData box, const int* bin_start,
                            const int* bin_atoms, const std::int64_t* offsets, int* index,
                            std::int32_t* image) {
  const int i = item_index(a.n);
  if (i < 0) return;
  neighbors_of_atom(g, box, a.x, a.y, a.z, bin_start, bin_atoms, i, index + offsets[i],
                    image + offsets[i]);
}

// Bits the radix sort must look at: bins are 0..nbins-1, so the rest of the key is zero.
int key_bits(int nbins) {
  int bits = 1;
  while (bits < 31 && (1 << bits) < nbins) ++bits;
  return bits;
}

// CUB wants its temporary storage 256-byte aligned.
std::size_t aligned(std::size_t bytes) { return (bytes + 255) / 256 * 256; }

}  // namespace

std::int64_t build_neighbor_counts(const AtomsView& a, const BoxData& box, const BinGrid& g,
                                   NeighborScratch& s, Buffer<std::int64_t>& offsets) {
  const int n = a.n, nbins = g.total();
  // Scratch made by a caller that did not know the backend starts out on the host.
  s.atom_bin.set_space(Space::Device);
  s.bin_atoms.set_space(Space::Device);
  s.bin_start.set_space(Space::Device);
  s.counts.set_space(Space::Device);
  s.temp.set_space(Space::Device);
  offsets.set_space(Space::Device);
  s.atom_bin.resize(n);
  s.bin_atoms.resize(n);
  s.bin_start.resize(nbins + 1);
  s.counts.resize(n);
  offsets.resize(n + 1);

  // s.temp: the sorted bin keys, then CUB's storage, shared by the sort and (after the keys and
  // the sort are done with) the scan. Sized once, before anything is written to it.
  const int bits = key_bits(nbins);
  const ::cuda::std::plus<> add;
  std::size_t sort_bytes = 0, scan_bytes = 0;
  MDGPU_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(nullptr, sort_bytes, s.atom_bin.data(),
                                                   s.atom_bin.data(), s.counts.data(),
                                                   s.bin_atoms.data(), n, 0, bits));
  MDGPU_CUDA_CHECK(cub::DeviceScan::InclusiveScanInit(nullptr, scan_bytes, s.counts.data(),
                                                      offsets.data(), add, std::int64_t{0}, n));
  const std::size_t keys_bytes = aligned(static_cast<std::size_t>(n) * sizeof(int));
  s.temp.resize(keys_bytes + std::max(sort_bytes, scan_bytes));
  int* sorted_bins = reinterpret_cast<int*>(s.temp.data());
  void* cub_temp = s.temp.data() + keys_bytes;

  launch(bin_kernel, n, a, g, box, s.atom_bin.data(), s.counts.data());
  // LSD radix sort is stable: within a bin atoms keep ascending index order, as in the host's
  // counting sort.
  if (n > 0)
    MDGPU_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(cub_temp, sort_bytes, s.atom_bin.data(),
                                                     sorted_bins, s.counts.data(),
                                                     s.bin_atoms.data(), n, 0, bits));
  launch(bin_start_kernel, nbins + 1, sorted_bins, n, nbins, s.bin_start.data());
  launch(count_kernel, n, a, g, box, s.bin_start.data(), s.bin_atoms.data(), s.counts.data());

  // offsets[0] = 0 and offsets[i + 1] = offsets[i] + counts[i], accumulated in 64 bits (the
  // int64 initial value sets CUB's accumulator type).
  zero(offsets.data(), sizeof(std::int64_t));
  if (n > 0)
    MDGPU_CUDA_CHECK(cub::DeviceScan::InclusiveScanInit(cub_temp, scan_bytes, s.counts.data(),
                                                        offsets.data() + 1, add, std::int64_t{0},
                                                        n));
  std::int64_t total = 0;
  copy(&total, false, offsets.data() + n, true, sizeof total);
  return total;
}

void launch_fill_neighbors(const AtomsView& a, const BoxData& box, const BinGrid& g,
                           const NeighborScratch& s, const std::int64_t* offsets, int* index,
                           std::int32_t* image) {
  launch(fill_kernel, a.n, a, g, box, s.bin_start.data(), s.bin_atoms.data(), offsets, index,
         image);
}

}  // namespace mdgpu::cuda
