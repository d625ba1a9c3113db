#include "model/pair_potential.hpp"

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace mdgpu {
namespace {

const PairCoefficients* find_pair(const PairPotentialSpec& spec, const std::string& a,
                                  const std::string& b) {
  for (const PairCoefficients& p : spec.pairs)
    if ((p.species_a == a && p.species_b == b) || (p.species_a == b && p.species_b == a)) return &p;
  return nullptr;
}

// Each kind's coefficients from the input's.
LennardJones::Coeffs coeffs_of(LennardJones, const PairCoefficients& c) {
  return LennardJones::coeffs(c.epsilon, c.sigma);
}
Morse::Coeffs coeffs_of(Morse, const PairCoefficients& c) { return {c.d0, c.alpha, c.r0}; }

}  // namespace

PairPotential::PairPotential(const PairPotentialSpec& spec, Backend& backend)
    : backend_(backend), newton_(spec.newton) {
  const Space s = backend.space();
  for (Buffer<double>* b : {&rc2_, &eshift_, &energy_, &virial6_}) b->set_space(s);
  coeffs_.set_space(s);
}

PairPotential::PairPotential(const LennardJonesSpec& spec, const System& system, Backend& backend)
    : PairPotential(spec, backend) {
  set_up<LennardJones>(spec, system);
}

PairPotential::PairPotential(const MorseSpec& spec, const System& system, Backend& backend)
    : PairPotential(spec, backend) {
  set_up<Morse>(spec, system);
}

template <class Ev>
void PairPotential::set_up(const PairPotentialSpec& spec, const System& system) {
  using Coeffs = typename Ev::Coeffs;
  const int ntypes = static_cast<int>(system.species.size());
  const std::size_t nn = static_cast<std::size_t>(ntypes) * ntypes;
  std::vector<Coeffs> coeffs(nn);
  std::vector<double> rc2(nn), eshift(nn);
  for (int a = 0; a < ntypes; ++a) {
    for (int b = 0; b < ntypes; ++b) {
      const PairCoefficients* c = find_pair(spec, system.species[a], system.species[b]);
      if (!c)
        throw InputError("potential.pairs", fmt::format("no coefficients for the species pair {}-{}",
                                                        system.species[a], system.species[b]));
      const std::size_t k = static_cast<std::size_t>(a) * ntypes + b;
      const double rc = c->cutoff > 0 ? c->cutoff : spec.cutoff;
      cutoff_ = std::fmax(cutoff_, rc);
      rc2[k] = rc * rc;
      coeffs[k] = coeffs_of(Ev{}, *c);
    }
  }
  if (spec.shift) {  // each pair's energy at its cut-off, with the kernel's own formula
    for (std::size_t k = 0; k < nn; ++k) {
      double g;
      Ev::evaluate(coeffs[k], rc2[k], eshift[k], g);
    }
  }
  coeffs_.resize(nn * sizeof(Coeffs));
  space_copy(coeffs_.space(), coeffs_.data(), Space::Host, coeffs.data(), nn * sizeof(Coeffs));
  rc2_.upload(rc2);
  eshift_.upload(eshift);
  table_ = PairTable<Ev>{ntypes, reinterpret_cast<const Coeffs*>(coeffs_.data()), rc2_.data(), eshift_.data()};
  description_ = fmt::format("{} pair potential, cut-off {} Å{}{}", Ev::kName, cutoff_, spec.shift ? ", shifted" : "",
                             wants_half_list() ? ", each pair once (newton)" : "");
}

ForceResult PairPotential::compute(const AtomsView& atoms, const NeighborView& neighbors,
                                   const Box& box, double* per_atom_energy) {
  energy_.resize(atoms.n);
  virial6_.resize(6 * static_cast<std::size_t>(atoms.n));
  double* energy = per_atom_energy ? per_atom_energy : energy_.data();
  std::visit([&](const auto& t) { backend_.pair_forces(t, atoms, neighbors, box.data(), energy, virial6_.data()); },
             table_);

  ForceResult r;
  r.energy = backend_.sum(energy, atoms.n);
  double w[6];
  for (int c = 0; c < 6; ++c) w[c] = backend_.sum(virial6_.data() + c * atoms.n, atoms.n);
  r.virial = Mat3{Vec3{w[0], w[3], w[4]}, Vec3{w[3], w[1], w[5]}, Vec3{w[4], w[5], w[2]}};
  return r;
}

ForceResult PairPotential::compute_forces(const AtomsView& atoms, const NeighborView& neighbors, const Box& box,
                                          double*) {
  std::visit([&](const auto& t) { backend_.pair_forces(t, atoms, neighbors, box.data(), nullptr, nullptr); }, table_);
  ForceResult r;
  r.tallied = false;
  return r;
}

}  // namespace mdgpu
