#include "pair_mdgpu_nequip.h"

#include <algorithm>
#include <exception>
#include <string>

#include "atom.h"
#include "comm.h"
#include "error.h"
#include "force.h"
#include "memory.h"
#include "neigh_list.h"
#include "neigh_request.h"
#include "neighbor.h"
#include "update.h"
#include "utils.h"

#include "kernels/backend.hpp"
#include "kernels/views.hpp"
#include "model/nequip_evaluator.hpp"
#include "model/nequip_model.hpp"

using namespace LAMMPS_NS;

namespace {

// Neighbor requests changed in LAMMPS 2 Jun 2022 (add_request with flags); the build passes the
// version it compiles against (lammps/CMakeLists.txt).
void request_full_ghost_list(Pair* pair, Neighbor* neighbor, int instance_me) {
#if MDGPU_LAMMPS_VERSION >= 20220602
  (void)instance_me;
  neighbor->add_request(pair, NeighConst::REQ_FULL | NeighConst::REQ_GHOST);
#else
  const int r = neighbor->request(pair, instance_me);
  neighbor->requests[r]->half = 0;
  neighbor->requests[r]->full = 1;
  neighbor->requests[r]->ghost = 1;
#endif
}

// Comm::forward_comm(Pair*) since 2022, forward_comm_pair(Pair*) before: whichever exists.
template <class C>
auto forward_comm(C* comm, Pair* pair, int) -> decltype(comm->forward_comm(pair), void()) {
  comm->forward_comm(pair);
}
template <class C>
void forward_comm(C* comm, Pair* pair, long) {
  comm->forward_comm_pair(pair);
}
template <class C>
auto reverse_comm(C* comm, Pair* pair, int) -> decltype(comm->reverse_comm(pair), void()) {
  comm->reverse_comm(pair);
}
template <class C>
void reverse_comm(C* comm, Pair* pair, long) {
  comm->reverse_comm_pair(pair);
}

// The evaluator's halo through the pair style's communication.
class LammpsHalo final : public mdgpu::NequipHalo {
public:
  explicit LammpsHalo(PairMdgpuNequip& pair) : pair_(pair) {}
  void forward(const mdgpu::HaloFeatures& f) override { pair_.exchange_forward({f.f32, f.f64, f.width}); }
  void reverse(const mdgpu::HaloFeatures& g) override { pair_.exchange_reverse({g.f32, g.f64, g.width}); }

private:
  PairMdgpuNequip& pair_;
};

// Row `i` of rows to or from buf (doubles: a float32 feature round-trips exactly).
template <class T>
void put(const T* row, int width, double* buf) {
  std::copy_n(row, width, buf);
}
template <class T>
void get(const double* buf, int width, T* row) {
  for (int c = 0; c < width; ++c) row[c] = static_cast<T>(buf[c]);
}
template <class T>
void add(const double* buf, int width, T* row) {
  for (int c = 0; c < width; ++c) row[c] += static_cast<T>(buf[c]);
}

// An input array where the evaluator reads it: the host array itself, or its upload into `device`.
template <class T>
const T* staged(mdgpu::Space space, mdgpu::Buffer<T>& device, const T* host, std::size_t n) {
  if (space == mdgpu::Space::Host) return host;
  device.set_space(space);
  device.resize(n);
  if (n > 0) mdgpu::space_copy(space, device.data(), mdgpu::Space::Host, host, n * sizeof(T));
  return device.data();
}

// An output array where the evaluator writes it: the host array itself, or `device`; then
// `fetched` brings the device's values to the host array.
template <class T>
T* written(mdgpu::Space space, mdgpu::Buffer<T>& device, T* host, std::size_t n) {
  if (space == mdgpu::Space::Host) return host;
  device.set_space(space);
  device.resize(n);
  return device.data();
}
template <class T>
void fetched(mdgpu::Space space, const mdgpu::Buffer<T>& device, T* host, std::size_t n) {
  if (space != mdgpu::Space::Host && n > 0) mdgpu::space_copy(mdgpu::Space::Host, host, space, device.data(), n * sizeof(T));
}

// Rows [first, first + count) of [row][width] arrays, from one space to another.
template <class T>
void copy_rows(mdgpu::Space to_space, T* to, mdgpu::Space from_space, const T* from, int width, int first, int count) {
  if (count <= 0) return;
  const std::size_t offset = static_cast<std::size_t>(first) * width;
  mdgpu::space_copy(to_space, to + offset, from_space, from + offset, static_cast<std::size_t>(count) * width * sizeof(T));
}

}  // namespace

Pair* PairMdgpuNequip::creator(LAMMPS* lmp) { return new PairMdgpuNequip(lmp); }

PairMdgpuNequip::PairMdgpuNequip(LAMMPS* lmp) : Pair(lmp) {
  single_enable = 0;
  restartinfo = 0;
  one_coeff = 1;
  manybody_flag = 1;
  ghostneigh = 1;
  no_virial_fdotr_compute = 1;  // the virial comes from the edges
}

PairMdgpuNequip::~PairMdgpuNequip() {
  if (allocated) {
    memory->destroy(setflag);
    memory->destroy(cutsq);
    memory->destroy(cutghost);
  }
}

void PairMdgpuNequip::allocate() {
  allocated = 1;
  const int n = atom->ntypes;
  memory->create(setflag, n + 1, n + 1, "pair:setflag");
  memory->create(cutsq, n + 1, n + 1, "pair:cutsq");
  memory->create(cutghost, n + 1, n + 1, "pair:cutghost");
  for (int i = 1; i <= n; ++i)
    for (int j = i; j <= n; ++j) setflag[i][j] = 0;
}

void PairMdgpuNequip::settings(int narg, char** arg) {
  std::string precision = "float32", device = "host";
  for (int i = 0; i < narg; ++i) {
    const std::string word = arg[i];
    if (word == "float32" || word == "float64") precision = word;
    else if (word == "device" && i + 1 < narg) device = arg[++i];
    else if (word == "device") error->all(FLERR, "pair_style mdgpu/nequip: device needs a value: host or cuda");
    else
      error->all(FLERR, "pair_style mdgpu/nequip: unexpected argument '" + word +
                            "' (expected [float32|float64] [device host|cuda])");
  }
  if (device != "host" && device != "cuda")
    error->all(FLERR, "pair_style mdgpu/nequip: unknown device '" + device + "' (host or cuda)");
  std::string why;
  if (device == "cuda" && !mdgpu::cuda_available(&why))
    error->all(FLERR, "pair_style mdgpu/nequip: device cuda is not available: " + why);
  if (device == "cuda") choose_gpu();
  float64_ = precision == "float64";
  space_ = device == "cuda" ? mdgpu::Space::Device : mdgpu::Space::Host;
  evaluator_.reset();  // made anew, in this precision and space, by init_style
}

// One GPU per rank where a machine has several: the node-local rank modulo the GPUs it sees (the
// usual launch, ranks per node = GPUs per node, gives each rank its own; CUDA_VISIBLE_DEVICES
// narrows what each sees).
void PairMdgpuNequip::choose_gpu() {
  MPI_Comm node;
  MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, comm->me, MPI_INFO_NULL, &node);
  int local = 0, on_node = 1;
  MPI_Comm_rank(node, &local);
  MPI_Comm_size(node, &on_node);
  MPI_Comm_free(&node);
  const int gpus = mdgpu::cuda_device_count();
  try {
    mdgpu::use_cuda_device(local % gpus);
  } catch (const std::exception& e) {
    error->one(FLERR, std::string("pair_style mdgpu/nequip: ") + e.what());
  }
  if (comm->me == 0)
    utils::logmesg(lmp, "mdgpu/nequip: " + std::to_string(on_node) + " rank(s) on rank 0's machine, which sees " +
                            std::to_string(gpus) + " GPU(s): each rank uses GPU (node rank mod " + std::to_string(gpus) +
                            ")" + (on_node > gpus ? ", so ranks share GPUs" : "") + "\n");
}

void PairMdgpuNequip::coeff(int narg, char** arg) {
  if (!allocated) allocate();
  const int ntypes = atom->ntypes;
  if (narg != 3 + ntypes || std::string(arg[0]) != "*" || std::string(arg[1]) != "*")
    error->all(FLERR, "pair_coeff for mdgpu/nequip: expected '* * MODEL' and one species per atom type (" +
                          std::to_string(ntypes) + " types)");
  try {
    model_ = std::make_unique<mdgpu::NequipModel>(mdgpu::NequipModel::load(arg[2]));
  } catch (const std::exception& e) {
    error->all(FLERR, std::string("pair_coeff mdgpu/nequip: ") + e.what());
  }
  model_type_.assign(ntypes + 1, -1);
  for (int t = 1; t <= ntypes; ++t) {
    const std::string species = arg[2 + t];
    const auto& names = model_->type_names;
    const auto it = std::find(names.begin(), names.end(), species);
    if (it == names.end())
      error->all(FLERR, "pair_coeff mdgpu/nequip: the model " + std::string(arg[2]) + " has no species '" + species +
                            "' (atom type " + std::to_string(t) + ")");
    model_type_[t] = static_cast<int>(it - names.begin());
  }
  for (int i = 1; i <= ntypes; ++i)
    for (int j = i; j <= ntypes; ++j) setflag[i][j] = 1;
  // The halo's widest rows: a layer's input features; every layer after the first exchanges its.
  comm_forward = 0;
  int halo = 0;
  for (std::size_t l = 0; l < model_->layers.size(); ++l) {
    comm_forward = std::max(comm_forward, model_->layers[l].in.dim());
    if (l > 0) halo += model_->layers[l].in.dim();
  }
  comm_reverse = comm_forward;
  evaluator_.reset();  // made for this model by init_style
  if (comm->me == 0) {
    const bool device = space_ == mdgpu::Space::Device;
    const int value = float64_ ? 8 : 4;
    utils::logmesg(lmp, "mdgpu/nequip: " + std::string(arg[2]) + ", " + std::to_string(model_->layers.size()) +
                          " layers, r_max " + std::to_string(model_->r_max) + " A, " + (float64_ ? "float64" : "float32") +
                          (device ? ", device cuda" : ", host") + "; halo per ghost atom and step: " +
                          std::to_string(halo) + " features forward and " + std::to_string(halo) +
                          " gradients back (8 bytes each), besides positions and forces\n");
    // exchange_forward/exchange_reverse: a ghost's row up (forward) and down (reverse), an owned
    // atom's row down (forward), down and up (reverse); positions up and forces down.
    if (device)
      utils::logmesg(lmp, "mdgpu/nequip: device-host copies per step: " + std::to_string(2 * halo * value + 48) +
                            " bytes per ghost atom, " + std::to_string(3 * halo * value + 48) +
                            " per owned atom, and 12 per atom and 8 per neighbour-list entry (types, list)\n");
  }
}

void PairMdgpuNequip::init_style() {
  if (force->newton_pair == 0) error->all(FLERR, "pair_style mdgpu/nequip requires newton pair on");
  if (std::string(update->unit_style) != "metal")
    error->all(FLERR, "pair_style mdgpu/nequip requires units metal (the model's eV and Angstrom)");
  if (!model_) error->all(FLERR, "pair_style mdgpu/nequip: no model (pair_coeff * * MODEL SPECIES...)");
  request_full_ghost_list(this, neighbor, instance_me);
  if (!evaluator_) {
    try {
      evaluator_ = mdgpu::make_nequip_evaluator(*model_, float64_, space_);
    } catch (const std::exception& e) {
      error->all(FLERR, std::string("pair_style mdgpu/nequip: ") + e.what());
    }
  }
}

double PairMdgpuNequip::init_one(int i, int j) {
  if (setflag[i][j] == 0) error->all(FLERR, "All pair coeffs are not set");
  // Ghosts need the neighbors of theirs that are owned atoms: the model's cut-off.
  cutghost[i][j] = cutghost[j][i] = model_->r_max;
  return model_->r_max;
}

void PairMdgpuNequip::compute(int eflag, int vflag) {
  ev_init(eflag, vflag);
  if (vflag_atom) error->all(FLERR, "pair_style mdgpu/nequip does not compute per-atom virials");
  const int nlocal = atom->nlocal;
  const int nall = nlocal + atom->nghost;
  double** x = atom->x;
  double** f = atom->f;

  // The nodes as mdgpu reads them: owned atoms first, then ghosts (LAMMPS's order), a CSR list
  // of every node's neighbors; a ghost's row keeps only its owned neighbors, all the evaluator
  // reads of it (fewer entries to build and, with device cuda, to upload).
  x_.resize(nall);
  y_.resize(nall);
  z_.resize(nall);
  for (int i = 0; i < nall; ++i) {
    x_[i] = x[i][0];
    y_[i] = x[i][1];
    z_[i] = x[i][2];
  }
  const int listed = list->inum + list->gnum;
  const auto kept = [&](int i, int k) { return i < nlocal || (list->firstneigh[i][k] & NEIGHMASK) < nlocal; };
  offsets_.assign(nall + 1, 0);
  for (int ii = 0; ii < listed; ++ii) {
    const int i = list->ilist[ii];
    for (int k = 0; k < list->numneigh[i]; ++k) offsets_[i + 1] += kept(i, k);
  }
  for (int i = 0; i < nall; ++i) offsets_[i + 1] += offsets_[i];
  index_.resize(offsets_[nall]);
  for (int ii = 0; ii < listed; ++ii) {
    const int i = list->ilist[ii];
    std::int64_t e = offsets_[i];
    for (int k = 0; k < list->numneigh[i]; ++k)
      if (kept(i, k)) index_[e++] = list->firstneigh[i][k] & NEIGHMASK;
  }
  image_.assign(index_.size(), mdgpu::kZeroImage);  // ghosts carry their own image positions

  fx_.resize(nall);
  fy_.resize(nall);
  fz_.resize(nall);
  eatom_.resize(nlocal);
  // Where the evaluator reads and writes: these arrays, or their device copies.
  const mdgpu::Space s = space_;
  const std::size_t edges = index_.size();
  mdgpu::NequipInput in{nall,
                        staged(s, dx_, x_.data(), nall),
                        staged(s, dy_, y_.data(), nall),
                        staged(s, dz_, z_.data(), nall),
                        staged(s, dtype_, atom->type, nall),
                        mdgpu::NeighborView{nall, 0, staged(s, doffsets_, offsets_.data(), nall + 1),
                                            staged(s, dindex_, index_.data(), edges),
                                            staged(s, dimage_, image_.data(), edges)},
                        mdgpu::BoxData{},
                        staged(s, dmodel_type_, model_type_.data(), model_type_.size()),
                        nlocal};
  mdgpu::NequipOutput out;
  out.tally = eflag_either || vflag_either;  // forces alone on steps that read no energy or virial
  out.fx = written(s, dfx_, fx_.data(), nall);
  out.fy = written(s, dfy_, fy_.data(), nall);
  out.fz = written(s, dfz_, fz_.data(), nall);
  if (eflag_atom) out.per_atom_energy = written(s, deatom_, eatom_.data(), nlocal);
  LammpsHalo halo(*this);
  try {
    evaluator_->evaluate(in, out, &halo);
    fetched(s, dfx_, fx_.data(), nall);
    fetched(s, dfy_, fy_.data(), nall);
    fetched(s, dfz_, fz_.data(), nall);
    if (eflag_atom) fetched(s, deatom_, eatom_.data(), nlocal);
  } catch (const std::exception& e) {
    error->one(FLERR, std::string("pair_style mdgpu/nequip: ") + e.what());
  }

  for (int i = 0; i < nall; ++i) {
    f[i][0] += fx_[i];
    f[i][1] += fy_[i];
    f[i][2] += fz_[i];
  }
  if (eflag_global) eng_vdwl += out.energy;
  if (eflag_atom)
    for (int i = 0; i < nlocal; ++i) eatom[i] += eatom_[i];
  if (vflag_global) {
    const auto& w = out.virial;
    virial[0] += w[0][0];
    virial[1] += w[1][1];
    virial[2] += w[2][2];
    virial[3] += w[0][1];
    virial[4] += w[0][2];
    virial[5] += w[1][2];
  }
}

// Forward communication packs owned rows (and ghost rows an earlier swap filled) and fills the
// ghosts' rows: on the device the owned rows come down, the ghosts' go up.
void PairMdgpuNequip::exchange_forward(const Rows& rows) {
  rows_ = host_rows(rows, 0, atom->nlocal);
  forward_comm(comm, this, 0);
  upload_rows(rows, atom->nlocal, atom->nghost);
}

// Reverse communication packs ghost rows and adds them to owned rows (and, across several swaps,
// to ghost rows packed later): every row comes down, the owned rows go up (the evaluator reads
// only the centres' rows after it).
void PairMdgpuNequip::exchange_reverse(const Rows& rows) {
  rows_ = host_rows(rows, 0, atom->nlocal + atom->nghost);
  reverse_comm(comm, this, 0);
  upload_rows(rows, 0, atom->nlocal);
}

PairMdgpuNequip::Rows PairMdgpuNequip::host_rows(const Rows& rows, int first, int count) {
  if (space_ == mdgpu::Space::Host) return rows;
  const std::size_t size = static_cast<std::size_t>(atom->nlocal + atom->nghost) * rows.width;
  Rows host{nullptr, nullptr, rows.width};
  if (rows.f32) {
    halo32_.resize(size);
    host.f32 = halo32_.data();
    copy_rows(mdgpu::Space::Host, host.f32, space_, rows.f32, rows.width, first, count);
  } else {
    halo64_.resize(size);
    host.f64 = halo64_.data();
    copy_rows(mdgpu::Space::Host, host.f64, space_, rows.f64, rows.width, first, count);
  }
  return host;
}

void PairMdgpuNequip::upload_rows(const Rows& rows, int first, int count) {
  if (space_ == mdgpu::Space::Host) return;
  if (rows.f32) copy_rows(space_, rows.f32, mdgpu::Space::Host, rows_.f32, rows.width, first, count);
  else copy_rows(space_, rows.f64, mdgpu::Space::Host, rows_.f64, rows.width, first, count);
}

int PairMdgpuNequip::pack_forward_comm(int n, int* list, double* buf, int, int*) {
  const int w = rows_.width;
  for (int k = 0; k < n; ++k) {
    const std::size_t row = static_cast<std::size_t>(list[k]) * w;
    if (rows_.f32) put(rows_.f32 + row, w, buf + static_cast<std::size_t>(k) * w);
    else put(rows_.f64 + row, w, buf + static_cast<std::size_t>(k) * w);
  }
  return n * w;
}

void PairMdgpuNequip::unpack_forward_comm(int n, int first, double* buf) {
  const int w = rows_.width;
  for (int k = 0; k < n; ++k) {
    const std::size_t row = static_cast<std::size_t>(first + k) * w;
    if (rows_.f32) get(buf + static_cast<std::size_t>(k) * w, w, rows_.f32 + row);
    else get(buf + static_cast<std::size_t>(k) * w, w, rows_.f64 + row);
  }
}

int PairMdgpuNequip::pack_reverse_comm(int n, int first, double* buf) {
  const int w = rows_.width;
  for (int k = 0; k < n; ++k) {
    const std::size_t row = static_cast<std::size_t>(first + k) * w;
    if (rows_.f32) put(rows_.f32 + row, w, buf + static_cast<std::size_t>(k) * w);
    else put(rows_.f64 + row, w, buf + static_cast<std::size_t>(k) * w);
  }
  return n * w;
}

void PairMdgpuNequip::unpack_reverse_comm(int n, int* list, double* buf) {
  const int w = rows_.width;
  for (int k = 0; k < n; ++k) {
    const std::size_t row = static_cast<std::size_t>(list[k]) * w;
    if (rows_.f32) add(buf + static_cast<std::size_t>(k) * w, w, rows_.f32 + row);
    else add(buf + static_cast<std::size_t>(k) * w, w, rows_.f64 + row);
  }
}
