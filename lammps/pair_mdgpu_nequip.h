// pair_style mdgpu/nequip: a NequIP-family model (mdgpu's model file) evaluated by mdgpu's
// kernels inside LAMMPS, across MPI ranks. Each rank evaluates the graph whose centres are its
// owned atoms and whose other nodes are its ghosts (ghost cut-off r_max + skin, whatever the
// number of layers): before each layer after the first the ghosts' features come from their
// owners (forward communication of this pair style), and in the backward pass the ghosts'
// feature gradients go back to the owners (reverse communication). Forces on ghosts return
// through LAMMPS's own reverse communication (newton on); energies are the owned atoms'; the
// virial is the sum over the owned atoms' edges.
//
//   pair_style mdgpu/nequip [float32|float64] [device host|cuda]   (default float32 device host)
//   pair_coeff * * model.mdgpu.h5 Li P O N           (model species of LAMMPS types 1..ntypes)
//
// With `device cuda` the evaluator runs on the CUDA device: each evaluation uploads the nodes and
// the neighbour list and downloads the forces, and each layer's halo passes through host copies of
// the device rows (docs/lammps.md says what that costs).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/memory.hpp"
#include "pair.h"

namespace mdgpu {
struct NequipModel;
class NequipEvaluator;
}  // namespace mdgpu

namespace LAMMPS_NS {

class PairMdgpuNequip : public Pair {
public:
  explicit PairMdgpuNequip(LAMMPS* lmp);
  ~PairMdgpuNequip() override;

  void compute(int eflag, int vflag) override;
  void settings(int narg, char** arg) override;
  void coeff(int narg, char** arg) override;
  void init_style() override;
  double init_one(int i, int j) override;

  // The halo of one layer: node features forward, their gradients in reverse.
  int pack_forward_comm(int n, int* list, double* buf, int pbc_flag, int* pbc) override;
  void unpack_forward_comm(int n, int first, double* buf) override;
  int pack_reverse_comm(int n, int first, double* buf) override;
  void unpack_reverse_comm(int n, int* list, double* buf) override;

  static Pair* creator(LAMMPS* lmp);

  // The rows the halo moves now ([node][width] in the evaluator's space, one of the two set) and
  // LAMMPS's communication.
  struct Rows {
    float* f32 = nullptr;
    double* f64 = nullptr;
    int width = 0;
  };
  void exchange_forward(const Rows& rows);
  void exchange_reverse(const Rows& rows);

private:
  void allocate();
  void choose_gpu();  // settings(), device cuda
  // On the host, `rows`; on the device, host copies of its rows [first, first + count) (the rest
  // of the copy left as it was): what pack and unpack read and write.
  Rows host_rows(const Rows& rows, int first, int count);
  // The copies' rows [first, first + count) back into the device rows.
  void upload_rows(const Rows& rows, int first, int count);

  bool float64_ = false;
  mdgpu::Space space_ = mdgpu::Space::Host;
  std::unique_ptr<mdgpu::NequipModel> model_;
  std::unique_ptr<mdgpu::NequipEvaluator> evaluator_;
  std::vector<int> model_type_;  // LAMMPS type (1..ntypes) -> model type; [0] unused
  Rows rows_;                    // on the host: what pack and unpack see
  // One evaluation's inputs and outputs on the host, reused between steps.
  std::vector<double> x_, y_, z_, fx_, fy_, fz_, eatom_;
  std::vector<std::int64_t> offsets_;
  std::vector<int> index_;
  std::vector<std::int32_t> image_;
  // Their device copies (device cuda), grown but never shrunk, and the host copies of halo rows.
  mdgpu::Buffer<double> dx_, dy_, dz_, dfx_, dfy_, dfz_, deatom_;
  mdgpu::Buffer<std::int64_t> doffsets_;
  mdgpu::Buffer<int> dindex_, dtype_, dmodel_type_;
  mdgpu::Buffer<std::int32_t> dimage_;
  std::vector<float> halo32_;
  std::vector<double> halo64_;
};

}  // namespace LAMMPS_NS
