// The pair potentials as evaluator types: each is the maths of one kind — its coefficients per
// type pair and the energy and (dE/dr)/r of one pair at squared distance r² — and nothing else.
// evaluate<false> leaves the energy out (force-only steps); (dE/dr)/r is the same either way.
// The per-atom loop (kernels/pair_bodies.hpp) is a template over them, so the inner loop holds no
// switch on the kind. A new kind is one struct here plus its overload in kernels/backend.hpp.
#pragma once

#include <cmath>

#include "core/hd.hpp"

namespace mdgpu {

struct LennardJones {
  static constexpr const char* kName = "Lennard-Jones";
  struct Coeffs {
    double c12;  // 4 ε σ¹², eV Å¹²
    double c6;   // 4 ε σ⁶, eV Å⁶
  };
  static Coeffs coeffs(double epsilon, double sigma) {
    const double s6 = std::pow(sigma, 6);
    return {4.0 * epsilon * s6 * s6, 4.0 * epsilon * s6};
  }
  template <bool kEnergy = true>
  MDGPU_HD static void evaluate(const Coeffs& c, double r2, double& e, double& dedr_over_r) {
    const double inv2 = 1.0 / r2, inv6 = inv2 * inv2 * inv2;
    if constexpr (kEnergy) e = inv6 * (c.c12 * inv6 - c.c6);
    dedr_over_r = -inv6 * (12.0 * c.c12 * inv6 - 6.0 * c.c6) * inv2;
  }
};

struct Morse {
  static constexpr const char* kName = "Morse";
  struct Coeffs {
    double d0;     // well depth, eV
    double alpha;  // width, 1/Å
    double r0;     // equilibrium distance, Å
  };
  template <bool kEnergy = true>
  MDGPU_HD static void evaluate(const Coeffs& c, double r2, double& e, double& dedr_over_r) {
    const double r = std::sqrt(r2);
    const double ex = std::exp(-c.alpha * (r - c.r0));
    if constexpr (kEnergy) e = c.d0 * (ex * ex - 2.0 * ex);
    dedr_over_r = 2.0 * c.d0 * c.alpha * (ex - ex * ex) / r;
  }
};

// Coefficients per type pair, row-major [ta * ntypes + tb], of one evaluator kind.
template <class Ev>
struct PairTable {
  int ntypes;
  const typename Ev::Coeffs* coeffs;
  const double* rc2;     // squared cut-off per pair (0 = no interaction)
  const double* eshift;  // energy subtracted inside the cut-off
};

}  // namespace mdgpu
