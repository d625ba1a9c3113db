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

import h5py
import numpy as np

import report
import test_lammps_pair_style as lps

NEQUIP07 = lps.REPO / "tests" / "data" / "nequip07"
NEQUIP07_3_LAYERS = NEQUIP07 / "lmax1_parity_3layers.mdgpu.h5"  # Li P O N, r_max 4


def nequip_reference(group, name):
    """nequip's energy, per-atom energies, forces and virial (/GROUP/NAME of the 3-layer model's
    reference file), rotated into LAMMPS's cell orientation as lps.structure rotates positions."""
    with h5py.File(NEQUIP07 / "lmax1_parity_3layers_reference.h5", "r") as f:
        s, r = f["structures"][name], f[group][name]
        cell, pos = s["cell"][()], s["positions"][()]
        q = r["total_energy"][()], r["per_atom_energy"][()], r["forces"][()], r["virial"][()]
    rotation = np.linalg.solve(cell, lps.lammps_cell(cell))
    return float(np.ravel(q[0])[0]), np.ravel(q[1]), q[2] @ rotation, rotation.T @ q[3].reshape(3, 3) @ rotation, pos @ rotation


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
                # Every rank on the emulator's one device: GPU (node rank mod 1).
                self.assertIn(f"mdgpu/nequip: {n} rank(s) on rank 0's machine, which sees 1 GPU(s): each rank uses "
                              f"GPU (node rank mod 1){', so ranks share GPUs' if n > 1 else ''}",
                              (Path(tmp) / "screen.txt").read_text())
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

    def test_float32_three_layers_two_ranks_against_nequip(self):
        """float32 (the halo's float rows through host copies) within 3x nequip's own float32 -
        float64 gap of nequip's float64 values, as NequipCuda.* asserts for the CUDA backend."""
        reason = lps.missing()
        if reason:
            self.skipTest(reason)
        symbols, pos, cell = lps.structure("triclinic24")
        species = lps.species_of(symbols)
        e, per_atom, forces, virial, ref_pos = nequip_reference("reference", "triclinic24")
        e32, per_atom32, forces32, virial32, _ = nequip_reference("reference_float32", "triclinic24")
        self.assertLess(np.abs(ref_pos - pos).max(), 1e-9)  # the same structure as lps.structure's
        with tempfile.TemporaryDirectory() as tmp:
            lps.write_data(Path(tmp) / "data.lmp", symbols, pos, cell, species)
            pe, pe_atom, f, w = lps.lammps_eval(tmp, 2, NEQUIP07_3_LAYERS, species, "float32 device cuda")
        gaps = [abs(e32 - e), np.abs(per_atom32 - per_atom).max(), np.abs(forces32 - forces).max(),
                np.abs(virial32 - virial).max()]
        diffs = [abs(pe - e), np.abs(pe_atom - per_atom).max(), np.abs(f - forces).max(), np.abs(w - virial).max()]
        print("  triclinic24 3 layers float32 np 2, cuda vs nequip float64 (nequip's float32 gap): " +
              " ".join(f"{q} {d:.1e} ({g:.1e})" for q, d, g in zip(("|dE|", "|dE_i|", "|dF|", "|dW|"), diffs, gaps)),
              flush=True)
        for d, g in zip(diffs, gaps):
            self.assertLessEqual(d, 3 * g)


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
