#include "engine/neighbor_list.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mdgpu {
namespace {
// Bins beyond a few per atom only cost memory and empty-bin visits.
constexpr long kMaxBinsPerAtom = 4;

template <class T>
void copy_n(Buffer<T>& to, const Buffer<T>& from, std::size_t n) {
  to.resize(n);
  space_copy(to.space(), to.data(), from.space(), from.data(), n * sizeof(T));
}

// b resized to n >= keep entries, its first `keep` kept (Buffer::resize discards when it grows).
template <class T>
void grow_keeping(Buffer<T>& b, std::size_t keep, std::size_t n) {
  Buffer<T> bigger(b.space(), n);
  space_copy(b.space(), bigger.data(), b.space(), b.data(), keep * sizeof(T));
  b = std::move(bigger);
}

bool same_cell(const BoxData& a, const BoxData& b) {
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      if (a.h[i][j] != b.h[i][j]) return false;
  return true;
}
}  // namespace

NeighborList::NeighborList(Backend& backend, double cutoff, double skin, bool half)
    : backend_(backend), cutoff_(cutoff), skin_(skin), half_(half) {
  const Space s = backend.space();
  offsets_.set_space(s);
  index_.set_space(s);
  image_.set_space(s);
  for (Buffer<double>* b : {&ref_x_, &ref_y_, &ref_z_}) b->set_space(s);
  moved_sq_.set_space(s);
  flags_.set_space(s);
  flags_.resize(1);
  flags_.zero();
  for (Buffer<double>* b : {&marked_.ref_x, &marked_.ref_y, &marked_.ref_z}) b->set_space(s);
  marked_.offsets.set_space(s);
  marked_.counts.set_space(s);
  for (Buffer<int>* b : {&marked_.index, &marked_.atom_bin, &marked_.bin_atoms}) b->set_space(s);
  marked_.image.set_space(s);
}

void NeighborList::set_deferred(bool deferred) {
  deferred_ = deferred && backend_.space() == Space::Device;
  deferrable_ = deferrable_ || deferred_;
  if (deferred_ && !has_capacity_ && n_ >= 0) keep_capacity();  // the list as built, with spare slots
}

bool NeighborList::defers() const {
  const BoxData& b = built_box_.data();
  return deferred_ && has_capacity_ && skin_ > 0.0 && b.periodic[0] && b.periodic[1] && b.periodic[2];
}

bool NeighborList::decides_on_device(AtomsView atoms, const Box& box) const {
  const BoxData& b = box.data();
  return defers() && atoms.n == n_ && b.periodic[0] && b.periodic[1] && b.periodic[2] &&
         same_cell(b, built_box_.data());
}

// The host path's decision with the cell unchanged (allowed_displacement = skin/2), on the device.
void NeighborList::update_on_device(AtomsView atoms, const Box& box) {
  moved_sq_.resize(1);
  backend_.max_displacement_sq_into(atoms, ref_x_.data(), ref_y_.data(), ref_z_.data(), moved_sq_.data());
  const double allowed = 0.5 * skin_;
  const std::int64_t slots = device_slots_limit_ >= 0 ? std::min(capacity_, device_slots_limit_) : capacity_;
  const DeviceListTarget to{offsets_.data(), index_.data(), image_.data(), slots,
                            ref_x_.data(),   ref_y_.data(), ref_z_.data(), flags_.data()};
  backend_.rebuild_neighbors_if(moved_sq_.data(), allowed * allowed, atoms, box.data(), grid_, scratch_, to);
  ++unsettled_;
}

bool NeighborList::settle() {
  if (unsettled_ == 0) return false;
  unsettled_ = 0;
  DeviceBuilds f;
  space_copy(Space::Host, &f, flags_.space(), flags_.data(), sizeof f);
  if (f.builds == 0 && f.overflow == 0) return false;
  builds_ += f.builds;
  flags_.zero();
  return f.overflow != 0;
}

// Every buffer that mark() copies, with its copy and the entries copied: f(live, marked, count),
// one list for both directions.
template <class F>
void NeighborList::each_marked(F&& f) {
  const auto n = static_cast<std::size_t>(n_), slots = static_cast<std::size_t>(capacity_);
  f(offsets_, marked_.offsets, n + 1);
  f(scratch_.counts, marked_.counts, n);  // the scan of every deferred update reads them
  // The bins' order: every deferred update sorts the bins again (the same order until a rebuild).
  f(scratch_.atom_bin, marked_.atom_bin, n);
  f(scratch_.bin_atoms, marked_.bin_atoms, n);
  f(index_, marked_.index, slots);
  f(image_, marked_.image, slots);
  f(ref_x_, marked_.ref_x, n);
  f(ref_y_, marked_.ref_y, n);
  f(ref_z_, marked_.ref_z, n);
}

void NeighborList::mark() {
  if (!has_capacity_) return;
  each_marked([](const auto& live, auto& marked, std::size_t count) { copy_n(marked, live, count); });
  marked_.builds = builds_;
  marked_.total = total_;
  marked_.host_builds = host_builds_;
}

void NeighborList::rewind() {
  if (marked_.host_builds != host_builds_)
    throw std::logic_error("a neighbor list rewound past a host build");
  each_marked([](auto& live, const auto& marked, std::size_t count) { copy_n(live, marked, count); });
  builds_ = marked_.builds;
  total_ = marked_.total;
  flags_.zero();
  unsettled_ = 0;
}

bool NeighborList::update(AtomsView atoms, const Box& box, bool force) {
  if (!force && decides_on_device(atoms, box)) {
    update_on_device(atoms, box);
    return false;  // not known on the host
  }
  bool rebuild = force || n_ != atoms.n || skin_ <= 0.0;
  if (!rebuild) {
    const double allowed = allowed_displacement(box);
    rebuild = allowed <= 0.0 ||
              backend_.max_displacement_sq(atoms, ref_x_.data(), ref_y_.data(), ref_z_.data()) >
                  allowed * allowed;
  }
  if (rebuild) {
    if (before_rebuild_) before_rebuild_();
    build(atoms, box);
  }
  return rebuild;
}

// How far (Å) any atom may have moved from its position at the last build while the list still
// holds every pair within the cut-off: skin/2 while the cell is the one of the build. After a
// change H0 -> H (ΔH = H - H0, M = H0⁻¹H) a listed pair had |d0| < rc + skin at the build, and
// now d = d0·M + u_j - u_i, where u = r - r0·M is an atom's motion beyond the affine one. Since
// |d0·M| >= (1 - ‖M - I‖)|d0| and |u| <= |r - r0| + |s0·ΔH| (s0 the reference's fractional
// position, inside its bounds at the build), every pair with |d| < rc is listed while
//   max |r - r0| <= (skin - ‖M - I‖_F (rc + skin)) / 2 - max over the bounds' corners |s·ΔH|.
// Atoms scaled with the cell (a barostat) thus rebuild only once the strain eats up the skin.
double NeighborList::allowed_displacement(const Box& box) const {
  const BoxData& h0 = built_box_.data();
  const BoxData& h = box.data();
  double dh[3][3];
  bool changed = false;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      dh[i][j] = h.h[i][j] - h0.h[i][j];
      changed = changed || dh[i][j] != 0.0;
    }
  if (!changed) return 0.5 * skin_;
  double strain2 = 0.0;  // ‖M - I‖_F², M - I = H0⁻¹ΔH
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const double m = h0.hinv[i][0] * dh[0][j] + h0.hinv[i][1] * dh[1][j] + h0.hinv[i][2] * dh[2][j];
      strain2 += m * m;
    }
  double affine2 = 0.0;  // max |s·ΔH|² over the corners of the references' fractional bounds
  for (int corner = 0; corner < 8; ++corner) {
    double shift[3] = {0.0, 0.0, 0.0};
    for (int k = 0; k < 3; ++k) {
      const double s = (corner >> k) & 1 ? ref_hi_[k] : ref_lo_[k];
      for (int j = 0; j < 3; ++j) shift[j] += s * dh[k][j];
    }
    affine2 = std::max(affine2, shift[0] * shift[0] + shift[1] * shift[1] + shift[2] * shift[2]);
  }
  return 0.5 * (skin_ - std::sqrt(strain2) * (cutoff_ + skin_)) - std::sqrt(affine2);
}

BinGrid NeighborList::make_grid(AtomsView atoms, const Box& box) const {
  BinGrid g{};
  const double rlist = cutoff_ + skin_;
  // Bins of rlist/2 (reach 2) search 125 small bins instead of 27 of rlist: 40 % fewer candidates
  // in the bulk. Full lists keep bins of rlist, and with them the neighbor order (and so the
  // rounding) of the runs made before half lists existed.
  const int bins_per_rlist = half_ ? 2 : 1;
  g.rlist2 = rlist * rlist;
  g.half = half_ ? 1 : 0;
  double lo[3], hi[3];
  backend_.fractional_bounds(atoms, box.data(), lo, hi);
  double span[3], width[3];
  for (int k = 0; k < 3; ++k) {
    g.periodic[k] = box.periodic()[k] ? 1 : 0;
    const double w = box.perpendicular_width(k);
    if (g.periodic[k]) {
      g.lo[k] = 0.0;
      span[k] = 1.0;
    } else {  // open axis: bin the atoms' extent, padded so the extremes fall inside
      const double extent = atoms.n > 0 ? hi[k] - lo[k] : 0.0;
      span[k] = std::max(extent, 1e-9) * (1.0 + 1e-9);
      g.lo[k] = atoms.n > 0 ? lo[k] - 0.5e-9 * span[k] : 0.0;
    }
    width[k] = span[k] * w;  // Cartesian thickness of the binned region
    g.nbins[k] = std::max(1, static_cast<int>(std::min(width[k] * bins_per_rlist / rlist, 1e6)));
  }
  const long cap = std::max<long>(1, kMaxBinsPerAtom * atoms.n);
  while (static_cast<long>(g.nbins[0]) * g.nbins[1] * g.nbins[2] > cap) {
    const int k = static_cast<int>(std::max_element(g.nbins, g.nbins + 3) - g.nbins);
    g.nbins[k] = std::max(1, g.nbins[k] / 2);
  }
  for (int k = 0; k < 3; ++k) {
    g.inv_width[k] = g.nbins[k] / span[k];
    // Bins needed on each side to cover rlist (bin thickness = width / nbins).
    int reach = static_cast<int>(std::ceil(rlist * g.nbins[k] / width[k] * (1.0 + 1e-12)));
    if (!g.periodic[k]) reach = std::min(reach, g.nbins[k]);
    g.reach[k] = std::max(1, reach);
  }
  return g;
}

void NeighborList::build(AtomsView atoms, const Box& box) {
  backend_.wrap(atoms, box.data());
  index(atoms, box);
  ref_x_.resize(n_);
  ref_y_.resize(n_);
  ref_z_.resize(n_);
  space_copy(ref_x_.space(), ref_x_.data(), backend_.space(), atoms.x, n_ * sizeof(double));
  space_copy(ref_y_.space(), ref_y_.data(), backend_.space(), atoms.y, n_ * sizeof(double));
  space_copy(ref_z_.space(), ref_z_.data(), backend_.space(), atoms.z, n_ * sizeof(double));
  ++builds_;
}

void NeighborList::restore(AtomsView atoms, const Box& built_box, const Vec3Array& reference,
                           std::int64_t builds) {
  ref_x_.upload(reference.x);
  ref_y_.upload(reference.y);
  ref_z_.upload(reference.z);
  AtomsView at_reference = atoms;
  at_reference.x = ref_x_.data();
  at_reference.y = ref_y_.data();
  at_reference.z = ref_z_.data();
  index(at_reference, built_box);  // not build(): wrapping again could move atoms on the cell faces
  builds_ = builds;
}

Vec3Array NeighborList::reference() const {
  Vec3Array r;
  ref_x_.download(r.x);
  ref_y_.download(r.y);
  ref_z_.download(r.z);
  return r;
}

void NeighborList::index(AtomsView atoms, const Box& box) {
  grid_ = make_grid(atoms, box);
  built_box_ = box;
  for (int k = 0; k < 3; ++k) {  // the binned region: [0, 1) on periodic axes, the atoms' extent on open ones
    ref_lo_[k] = grid_.lo[k];
    ref_hi_[k] = grid_.lo[k] + grid_.nbins[k] / grid_.inv_width[k];
  }
  total_ = backend_.build_neighbors(atoms, box.data(), grid_, scratch_, offsets_, index_, image_);
  n_ = atoms.n;
  ++host_builds_;
  keep_capacity();
}

void NeighborList::keep_capacity() {
  has_capacity_ = deferrable_;
  if (!has_capacity_) return;
  capacity_ = total_ + total_ / kHeadroomDivisor + kHeadroomSlots;
  const auto keep = static_cast<std::size_t>(total_), slots = static_cast<std::size_t>(capacity_);
  if (capacity_ <= allocated_) {  // within the allocation: resizing keeps the entries
    index_.resize(slots);
    image_.resize(slots);
  } else {
    grow_keeping(index_, keep, slots);
    grow_keeping(image_, keep, slots);
    allocated_ = capacity_;
  }
  // The spare slots hold zeros (mark() copies every slot; nothing reads them as pairs).
  space_zero(index_.space(), index_.data() + keep, (slots - keep) * sizeof(int));
  space_zero(image_.space(), image_.data() + keep, (slots - keep) * sizeof(std::int32_t));
}

NeighborView NeighborList::view() const {
  NeighborView v;
  v.n = n_;
  v.half = half_ ? 1 : 0;
  v.offsets = offsets_.data();
  v.index = index_.data();
  v.image = image_.data();
  v.pairs = has_capacity_ ? capacity_ : total_;  // a bound on the pairs, as NeighborView allows
  v.order = scratch_.bin_atoms.data();
  v.deferred = defers() ? 1 : 0;
  return v;
}

}  // namespace mdgpu
