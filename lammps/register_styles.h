// Registers mdgpu's pair styles with a running LAMMPS whose executable has no PLUGIN package
// (Debian's lmp): the driver calls it before reading the input.
#pragma once

namespace LAMMPS_NS {
class LAMMPS;
}

namespace mdgpu {
void register_lammps_styles(LAMMPS_NS::LAMMPS* lmp);
}
