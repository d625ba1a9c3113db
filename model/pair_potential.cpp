#include "model/pair_potential.hpp"

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace mdgpu {
namespace {

const PairCoefficients* find_pair(const PotentialSpec& spec, const std::string& a,
                                  const std::string& b) {
  for (const PairCoefficients& p : spec.pairs)
    if ((p.species_a == a && p.species_b == b) || (p.species_a == b && p.species_b == a)) return &p;
  return nullptr;
}

}  // namespace

PairPotential::PairPotential(const PotentialSpec& spec, const System& system, Backend& backend)
    : backend_(backend),
      kind_(spec.kind == "morse" ? PairKind::Morse : PairKind::LennardJones),
      ntypes_(static_cast<int>(system.species.size())) {
  const std::size_t nn = static_cast<std::size_t>(ntypes_) * ntypes_;
  std::vector<double> p0(nn), p1(nn), p2(nn), rc2(nn), eshift(nn);
  for (int a = 0; a < ntypes_; ++a) {
    for (int b = 0; b < ntypes_; ++b) {
      const PairCoefficients* c = find_pair(spec, system.species[a], system.species[b]);
      if (!c)
        throw InputError("potential.pairs", fmt::format("no coefficients for the species pair {}-{}",
                                                        system.species[a], system.species[b]));
      const std::size_t k = static_cast<std::size_t>(a) * ntypes_ + b;
      const double rc = c->cutoff > 0 ? c->cutoff : spec.cutoff;
      cutoff_ = std::fmax(cutoff_, rc);
      rc2[k] = rc * rc;
      if (kind_ == PairKind::LennardJones) {
        const double s6 = std::pow(c->sigma, 6);
        p0[k] = 4.0 * c->epsilon * s6 * s6;
        p1[k] = 4.0 * c->epsilon * s6;
      } else {
        p0[k] = c->d0;
        p1[k] = c->alpha;
        p2[k] = c->r0;
      }
    }
  }
  if (spec.shift) {  // evaluate each pair at its cut-off with the kernel's own formula
    const PairTableView t{kind_, ntypes_, p0.data(), p1.data(), p2.data(), rc2.data(), eshift.data()};
    for (std::size_t k = 0; k < nn; ++k) {
      double e, g;
      pair_energy(t, static_cast<int>(k), rc2[k], e, g);
      eshift[k] = e;
    }
  }
  const Space s = backend.space();
  for (Buffer<double>* b : {&p0_, &p1_, &p2_, &rc2_, &eshift_, &energy_, &virial6_}) b->set_space(s);
  p0_.upload(p0);
  p1_.upload(p1);
  p2_.upload(p2);
  rc2_.upload(rc2);
  eshift_.upload(eshift);
  description_ = fmt::format("{} pair potential, cut-off {} Å{}",
                             kind_ == PairKind::Morse ? "Morse" : "Lennard-Jones", cutoff_,
                             spec.shift ? ", shifted" : "");
}

ForceResult PairPotential::compute(const AtomsView& atoms, const NeighborView& neighbors,
                                   const Box& box, double* per_atom_energy) {
  energy_.resize(atoms.n);
  virial6_.resize(6 * static_cast<std::size_t>(atoms.n));
  const PairTableView t{kind_, ntypes_, p0_.data(), p1_.data(), p2_.data(), rc2_.data(),
                        eshift_.data()};
  double* energy = per_atom_energy ? per_atom_energy : energy_.data();
  backend_.pair_forces(t, atoms, neighbors, box.data(), energy, virial6_.data());

  ForceResult r;
  r.energy = backend_.sum(energy, atoms.n);
  double w[6];
  for (int c = 0; c < 6; ++c) w[c] = backend_.sum(virial6_.data() + c * atoms.n, atoms.n);
  r.virial = Mat3{Vec3{w[0], w[3], w[4]}, Vec3{w[3], w[1], w[5]}, Vec3{w[4], w[5], w[2]}};
  return r;
}

}  // namespace mdgpu
