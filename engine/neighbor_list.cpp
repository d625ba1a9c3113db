#include "engine/neighbor_list.hpp"

#include <algorithm>
#include <cmath>

namespace mdgpu {
namespace {
// Bins beyond a few per atom only cost memory and empty-bin visits.
constexpr long kMaxBinsPerAtom = 4;
}  // namespace

NeighborList::NeighborList(Backend& backend, double cutoff, double skin, bool half)
    : backend_(backend), cutoff_(cutoff), skin_(skin), half_(half) {
  const Space s = backend.space();
  offsets_.set_space(s);
  index_.set_space(s);
  image_.set_space(s);
  for (Buffer<double>* b : {&ref_x_, &ref_y_, &ref_z_}) b->set_space(s);
}

bool NeighborList::update(AtomsView atoms, const Box& box, bool force) {
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
}

NeighborView NeighborList::view() const {
  NeighborView v;
  v.n = n_;
  v.half = half_ ? 1 : 0;
  v.offsets = offsets_.data();
  v.index = index_.data();
  v.image = image_.data();
  v.pairs = total_;
  return v;
}

}  // namespace mdgpu
