// NPT with the Martyna–Tobias–Klein equations (J. Chem. Phys. 101, 4177 (1994)) and the
// time-reversible Trotter splitting of Martyna, Tuckerman, Tobias & Klein (Mol. Phys. 87, 1117
// (1996)): Nosé–Hoover chains on the particles and on the cell's momenta, a cell that follows
// h' = ω h. Its order of operations is that of LAMMPS's fix npt (Shinoda, Shiga & Mikami, Phys.
// Rev. B 69, 134103 (2004)), so that the two agree step by step on the same system
// (tests/test_npt_lammps.cpp); docs/npt.md states where they differ.
#pragma once

#include <array>
#include <memory>

#include "engine/integrators.hpp"

namespace mdgpu {

// The cell of a barostat with coupling `aniso` or `tri` must be lower-triangular (a along x, b in
// the xy plane): the strain rates act along Cartesian axes, as in LAMMPS. An empty string when
// `box` is fit for `barostat`, else why not.
std::string barostat_cell_problem(const BarostatSpec& barostat, const Box& box);

std::unique_ptr<Integrator> make_mtk_npt(const NptStage& stage, double dt);

}  // namespace mdgpu
