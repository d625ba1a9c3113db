// The entry point of `plugin load libmdgpu_lammps.so` in a LAMMPS built with the PLUGIN package.
// A plugin must be compiled against the LAMMPS it is loaded into (same version, same headers).
#include "lammpsplugin.h"
#include "version.h"

#include "pair_mdgpu_nequip.h"

namespace {

void* create_pair(LAMMPS_NS::LAMMPS* lmp) { return LAMMPS_NS::PairMdgpuNequip::creator(lmp); }

}  // namespace

extern "C" void lammpsplugin_init(void* lmp, void* handle, void* regfunc) {
  lammpsplugin_t plugin;
  auto add = reinterpret_cast<lammpsplugin_regfunc>(regfunc);
  plugin.version = LAMMPS_VERSION;
  plugin.style = "pair";
  plugin.name = "mdgpu/nequip";
  plugin.info = "mdgpu NequIP-family pair style (per-layer halo exchange across MPI ranks)";
  plugin.author = "the mdgpu developers";
  plugin.creator.v1 = reinterpret_cast<lammpsplugin_factory1*>(&create_pair);
  plugin.handle = handle;
  add(&plugin, lmp);
}
