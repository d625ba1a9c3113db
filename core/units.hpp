// LAMMPS "metal" units: Å, eV, ps, amu, K, bar. Constants from CODATA 2018.
#pragma once

namespace mdgpu::units {

inline constexpr double kBoltzmann = 8.617333262e-5;         // eV/K
inline constexpr double kMvv2e = 1.0364269656262175e-4;      // amu·Å²/ps² -> eV
inline constexpr double kFtm2v = 1.0 / kMvv2e;               // (eV/Å)/amu -> Å/ps²
inline constexpr double kEvPerA3ToBar = 1.602176634e6;       // eV/Å³ -> bar
inline constexpr double kFsToPs = 1.0e-3;
// amu/Å³ -> g/cm³: the atomic mass constant in g (CODATA 2018) per 1e-24 cm³.
inline constexpr double kAmuPerA3ToGPerCm3 = 1.66053906660;
inline constexpr double kElementaryCharge = 1.602176634e-19;  // C (exact)
inline constexpr double kKcalPerMolPerEv = 1.602176634e-19 * 6.02214076e23 / 4184.0;  // exact SI

}  // namespace mdgpu::units
