#!/usr/bin/env python3
"""The figures of docs/lammps.md: ghost/owned ratios of a replicated structure under LAMMPS's
domain decomposition, and the time per step of pair_style mdgpu/nequip for strong and weak scaling.

  pair_style_figures.py ghosts STRUCTURE.extxyz NX NY NZ CUTOFF RANKS... [--lmp lmp]
  pair_style_figures.py timing STRUCTURE.extxyz NX NY NZ MODEL RANKS STEPS --driver mdgpu-lammps

`ghosts` runs Debian's lmp with pair_style zero at CUTOFF (r_max of the model; the neighbor skin
is 1 Å), so LAMMPS builds the ghost shell mdgpu/nequip would have, and prints owned and ghost
atoms per rank. `timing` runs STEPS NVE steps with the model in float32 and prints LAMMPS's loop
time per step. Needs ase (Debian python3-ase) and mpirun.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import ase.io
import numpy as np

MASSES = {"Li": 6.94, "N": 14.007, "O": 15.999, "P": 30.974}
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMP_NUM_THREADS="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")


def write_data(path, atoms, species):
    cell = atoms.cell.array
    if np.count_nonzero(cell - np.diag(np.diag(cell))):
        sys.exit("pair_style_figures.py: error: only orthogonal cells")
    lines = ["mdgpu figures", "", f"{len(atoms)} atoms", f"{len(species)} atom types", ""]
    lines += [f"0 {cell[k, k]:.10f} {a}lo {a}hi" for k, a in enumerate("xyz")]
    lines += ["", "Masses", ""] + [f"{t + 1} {MASSES[s]}" for t, s in enumerate(species)]
    lines += ["", "Atoms # atomic", ""]
    lines += [f"{i + 1} {species.index(s) + 1} {x:.10f} {y:.10f} {z:.10f}"
              for i, (s, (x, y, z)) in enumerate(zip(atoms.get_chemical_symbols(), atoms.positions))]
    Path(path).write_text("\n".join(lines) + "\n")


def run(tmp, ranks, program, script):
    (Path(tmp) / "in.lmp").write_text(script)
    r = subprocess.run(["mpirun", "-np", str(ranks), program, "-in", "in.lmp", "-log", "none", "-screen", "screen.txt"],
                       cwd=tmp, env=ENV, capture_output=True, text=True)
    screen = (Path(tmp) / "screen.txt").read_text()
    if r.returncode:
        sys.exit(screen[-2000:] + r.stderr)
    return screen


def stat(screen, key):
    return float(re.search(rf"^{key}:\s+(\S+) ave", screen, re.M).group(1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["ghosts", "timing"])
    p.add_argument("structure")
    p.add_argument("nx", type=int)
    p.add_argument("ny", type=int)
    p.add_argument("nz", type=int)
    p.add_argument("rest", nargs="+")
    p.add_argument("--lmp", default="lmp")
    p.add_argument("--driver", default="mdgpu-lammps")
    a = p.parse_args()
    atoms = ase.io.read(a.structure) * (a.nx, a.ny, a.nz)
    species = sorted(set(atoms.get_chemical_symbols()))
    with tempfile.TemporaryDirectory() as tmp:
        write_data(Path(tmp) / "data.lmp", atoms, species)
        head = "units metal\natom_style atomic\nboundary p p p\nread_data data.lmp\nneighbor 1.0 bin\n"
        if a.what == "ghosts":
            cutoff, ranks = float(a.rest[0]), [int(r) for r in a.rest[1:]]
            for n in ranks:
                screen = run(tmp, n, a.lmp, head + f"pair_style zero {cutoff}\npair_coeff * *\nrun 0\n")
                owned, ghosts = stat(screen, "Nlocal"), stat(screen, "Nghost")
                print(f"{len(atoms)} atoms, {n} ranks, cut-off {cutoff} + 1 A: owned {owned:.0f}, ghosts {ghosts:.0f} "
                      f"per rank, ghost/owned {ghosts / owned:.3f}", flush=True)
        else:
            model, ranks, steps = Path(a.rest[0]).resolve(), int(a.rest[1]), int(a.rest[2])
            script = head + (f"pair_style mdgpu/nequip float32\npair_coeff * * {model} {' '.join(species)}\n"
                             f"velocity all create 600 1 loop geom\nfix 1 all nve\ntimestep 0.001\nthermo {steps}\n"
                             f"run 1\nrun {steps}\n")
            screen = run(tmp, ranks, str(Path(a.driver).resolve()), script)
            loop = float(re.findall(r"Loop time of (\S+) on", screen)[-1])
            print(f"{len(atoms)} atoms, {ranks} ranks: {loop / steps:.3f} s/step, owned {stat(screen, 'Nlocal'):.0f}, "
                  f"ghosts {stat(screen, 'Nghost'):.0f} per rank", flush=True)


if __name__ == "__main__":
    main()
