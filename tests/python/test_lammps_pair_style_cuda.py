"""pair_style mdgpu/nequip ... device cuda (lammps/, docs/lammps.md) against the same pair style on the host.

  /usr/bin/python3 tests/python/test_lammps_pair_style_cuda.py MDGPU DRIVER

DRIVER runs `device cuda`: mdgpu-lammps in a build with the CUDA backend (every case skipped,
saying why, without a visible GPU), or mdgpu-lammps-emulated with MDGPU_SIMT_DEVICE=1 in a build
whose CUDA backend is the SIMT emulator (simt/README.md): the CUDA kernels run on the CPU. In
float64, energy, per-atom energies, forces and virial equal the host pair style's to 1e-11
relative (the CUDA-vs-host NequIP tolerance of NequipCuda.*) under mpirun -np 1 and 2 with the
2-layer reference model, and on 2 ranks with a 3-layer model: its two halo exchanges each way pass
through host copies of the device's rows.
"""
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np

import report
import test_lammps_pair_style as lps

NEQUIP07_3_LAYERS = lps.REPO / "tests" / "data" / "nequip07" / "lmax1_parity_3layers.mdgpu.h5"  # Li P O N, r_max 4


class DeviceAgreesWithHost(unittest.TestCase):
    def check(self, model, name, ranks):
        reason = lps.missing()
        if reason:
            self.skipTest(reason)
        symbols, pos, cell = lps.structure(name)
        species = lps.species_of(symbols)
        with tempfile.TemporaryDirectory() as tmp:
            lps.write_data(Path(tmp) / "data.lmp", symbols, pos, cell, species)
            for n in ranks:
                e, per_atom, forces, virial = lps.lammps_eval(tmp, n, model, species, "float64 device host")
                pe, pe_atom, f, w = lps.lammps_eval(tmp, n, model, species, "float64 device cuda")
                print(f"  {name} {Path(model).name} np {n}, cuda vs host: |dE| {abs(pe - e):.1e} "
                      f"|dE_i| {np.abs(pe_atom - per_atom).max():.1e} |dF| {np.abs(f - forces).max():.1e} "
                      f"|dW| {np.abs(w - virial).max():.1e}", flush=True)
                self.assertLessEqual(abs(pe - e), 1e-11 * abs(e))
                self.assertLessEqual(np.abs(pe_atom - per_atom).max(), 1e-11 * np.abs(per_atom).max())
                self.assertLessEqual(np.abs(f - forces).max(), 1e-11 * np.abs(forces).max())
                self.assertLessEqual(np.abs(w - virial).max(), 1e-11 * np.abs(virial).max())

    def test_small_model_one_and_two_ranks(self):
        self.check(lps.Agreement.small_model(self), "triclinic24", (1, 2))

    def test_three_layers_two_ranks(self):
        self.check(NEQUIP07_3_LAYERS, "triclinic24", (2,))


class DeviceDynamics(unittest.TestCase):
    def test_nve_device_follows_host(self):
        """Steps that tally nothing (forces alone) between thermo steps, device buffers reused."""
        reason = lps.missing()
        if reason:
            self.skipTest(reason)
        symbols, pos, cell = lps.structure("triclinic24")
        species = lps.species_of(symbols)
        model = lps.Agreement.small_model(self)
        steps = 5
        with tempfile.TemporaryDirectory() as tmp:
            lps.write_data(Path(tmp) / "data.lmp", symbols, pos, cell, species)
            thermo_host, x_host = lps.nve(tmp, 2, model, species, steps, "float64 device host")
            thermo, x = lps.nve(tmp, 2, model, species, steps, "float64 device cuda")
        print(f"  NVE {steps} steps, np 2, cuda vs host: |dx| {np.abs(x - x_host).max():.1e} Å, "
              f"|dE_total| {abs(thermo[1, 3] - thermo_host[1, 3]):.1e} eV", flush=True)
        self.assertEqual(thermo[1, 0], steps)
        self.assertLess(np.abs(x - x_host).max(), 1e-10)
        self.assertLess(abs(thermo[1, 3] - thermo_host[1, 3]), 1e-10)


if __name__ == "__main__":
    sys.exit(report.run(__name__))
