#include "register_styles.h"

#include "force.h"
#include "lammps.h"
#include "pair_mdgpu_nequip.h"

namespace mdgpu {

void register_lammps_styles(LAMMPS_NS::LAMMPS* lmp) {
  (*lmp->force->pair_map)["mdgpu/nequip"] = &LAMMPS_NS::PairMdgpuNequip::creator;
}

}  // namespace mdgpu
