// Phosphate motifs of LiPON-like structures. A P is bonded to the O and N within the P–O and P–N
// cut-offs. P atoms joined through anions bonded to two or more P form units:
//   a lone P with 4 O is PO4, with 3 O + 1 N is PO3N;
//   two P sharing exactly one anion, each with 4 anions and every other anion an O bonded to that
//   P only, are P2O7 (shared O) or P2O6N (shared N);
//   P in any other unit (other coordinations, chains, rings, edge sharing) count as P_other.
// N sites by their number of P: free (0), apical N_a (1), bridging N_d (2), triply bridging N_t
// (3 or more); O: free (0), non-bridging (1), bridging (2 or more).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "analysis/pairs.hpp"

namespace mdgpu {

enum MotifCount {
  kPO4,
  kPO3N,
  kP2O7,
  kP2O6N,
  kPOther,
  kNApical,
  kNBridging,
  kNTriply,
  kNFree,
  kOBridging,
  kONonBridging,
  kOFree,
  kMotifCounts
};
inline constexpr std::array<const char*, kMotifCounts> kMotifNames = {
    "PO4",        "PO3N",     "P2O7",   "P2O6N",      "P_other",       "N_apical",
    "N_bridging", "N_triply", "N_free", "O_bridging", "O_nonbridging", "O_free"};
// PO4 ... P2O6N count units (P2O7 = one pair of P), P_other counts P atoms, the rest atoms.
using MotifCounts = std::array<std::int64_t, kMotifCounts>;

class MotifCounter {
public:
  // Types of P, O and N in `system` (-1 when absent); cut-offs in Å.
  MotifCounter(int p, int o, int n, double p_o_cutoff, double p_n_cutoff);
  MotifCounts count(const System& system);

private:
  int p_type_, o_type_, n_type_;
  double p_o_cutoff_, p_n_cutoff_;
  PairFinder finder_;
};

}  // namespace mdgpu
