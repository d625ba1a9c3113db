#!/usr/bin/python3
"""The same relaxation by mdgpu's minimiser (`ensemble = "minimize"`) and by ASE's, compared.

  compare_ase_relax.py STRUCTURE (--lj SPECIES EPSILON SIGMA CUTOFF | --model MODEL.h5)
                       [--method fire|lbfgs] [--cell] [--fmax F] [--mdgpu BIN] [--workdir DIR]
                       [--json OUT]

ASE is the oracle: its own FIRE or LBFGS (ase.optimize.FIRE / LBFGS, default parameters, which
mdgpu's `method = "fire"` / `"lbfgs"` follow) on
ASE's own Lennard-Jones calculator (--lj: an implementation independent of mdgpu's), or on a
model evaluated by `mdgpu eval` (--model: the optimiser is then the only thing compared). With
--cell the cell relaxes too, isotropically, to 0 bar: ASE's UnitCellFilter with
hydrostatic_strain, mdgpu's `cell = { pressure = 0.0 }`. Both relax to a force below --fmax
(eV/A) and, with --cell, to |P| < --ptol (0.1 bar). Prints (and with --json writes) the relaxed
energies per atom, cell lengths, and the largest distance between the two relaxed structures'
atoms after removing their mean displacement.
"""
import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from ase.calculators.calculator import Calculator, all_changes
from ase.calculators.lj import LennardJones
try:
    from ase.filters import UnitCellFilter
except ImportError:  # ASE before 3.23 (Debian 12's 3.22)
    from ase.constraints import UnitCellFilter
from ase.io import read, write
from ase.optimize import FIRE, LBFGS

REPO = Path(__file__).resolve().parents[1]
BAR_PER_EV_PER_A3 = 1.602176634e6


class MdgpuEval(Calculator):
    """Energy, forces and stress from `mdgpu eval` (one process per call: slow, but the very code
    mdgpu's minimiser uses)."""

    implemented_properties = ["energy", "forces", "stress"]

    def __init__(self, mdgpu, model, workdir):
        super().__init__()
        self.mdgpu, self.model, self.workdir = mdgpu, model, Path(workdir)

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        source, result = self.workdir / "eval_in.extxyz", self.workdir / "eval_out.extxyz"
        write(source, self.atoms, format="extxyz")
        subprocess.run([str(self.mdgpu), "eval", "--model", str(self.model), "--precision",
                        "float64", "--overwrite", str(source), "-o", str(result)], check=True,
                       capture_output=True)
        frame = read(result, format="extxyz")  # its energy, forces and stress: a calculator's
        self.results = {"energy": frame.get_potential_energy(), "forces": frame.get_forces(),
                        "stress": frame.get_stress()}


def mdgpu_input(args, structure, workdir):
    if args.lj:
        species, epsilon, sigma, cutoff = args.lj
        potential = (f'kind = "lj"\ncutoff = {float(cutoff)}\nshift = true\n'
                     f'pairs = [ {{ species = ["{species}", "{species}"], epsilon = {float(epsilon)}, '
                     f'sigma = {float(sigma)} }} ]\n')
    else:
        potential = f'kind = "nequip"\nmodel = "{Path(args.model).resolve()}"\nprecision = "float64"\n'
    cell = (f"cell = {{ pressure = 0.0, pressure_tolerance = {args.ptol} }}\n" if args.cell
            else "")
    return (f'[system]\nstructure = "{structure}"\nvelocities = "zero"\n[potential]\n{potential}'
            f'[[stage]]\nname = "relax"\nensemble = "minimize"\nmethod = "{args.method}"\n'
            f'steps = {args.max_iterations}\nforce_tolerance = {args.fmax}\n{cell}'
            f'[output]\ndirectory = "{workdir}"\nthermo = {{ every = 1 }}\n'
            f'trajectory = {{ path = "relaxed.extxyz", every = {args.max_iterations} }}\n')


def relax_mdgpu(args, structure, workdir):
    toml = workdir / "relax.toml"
    toml.write_text(mdgpu_input(args, structure, workdir))
    log = subprocess.run([str(args.mdgpu), "run", "-q", "--overwrite", str(toml)], check=True,
                         capture_output=True, text=True)
    relaxed = read(workdir / "relaxed.extxyz", index=-1)
    with open(workdir / "thermo.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    # A converged minimiser's last row jumps to the stage's last step: count the rows instead.
    return relaxed, len(rows) - 1, float(rows[-1]["potential_eV"]), log.stderr


def relax_ase(args, atoms, workdir):
    atoms.calc = (LennardJones(epsilon=float(args.lj[1]), sigma=float(args.lj[2]),
                               rc=float(args.lj[3]), smooth=False) if args.lj
                  else MdgpuEval(args.mdgpu, Path(args.model).resolve(), workdir))
    target = UnitCellFilter(atoms, hydrostatic_strain=True) if args.cell else atoms
    # The filter's cell "forces" are V sigma / N (eV): as tight as mdgpu's --ptol, in those units.
    fmax = min(args.fmax, args.ptol / BAR_PER_EV_PER_A3 * atoms.get_volume() / len(atoms)) \
        if args.cell else args.fmax
    opt = (FIRE if args.method == "fire" else LBFGS)(target, logfile=None)
    opt.run(fmax=fmax, steps=args.max_iterations)
    return atoms, opt.get_number_of_steps()


def largest_offset(a, b):
    """Largest distance between atom i of a and of b, mean displacement removed, through the
    periodic images of b's cell."""
    d = b.positions - a.positions
    frac = np.linalg.solve(b.cell.array.T, d.T).T
    d = (frac - np.round(frac)) @ b.cell.array
    d -= d.mean(axis=0)
    return float(np.max(np.linalg.norm(d, axis=1)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("structure")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--lj", nargs=4, metavar=("SPECIES", "EPSILON", "SIGMA", "CUTOFF"))
    group.add_argument("--model")
    parser.add_argument("--method", choices=["fire", "lbfgs"], default="fire")
    parser.add_argument("--cell", action="store_true", help="relax the cell too (iso, 0 bar)")
    parser.add_argument("--fmax", type=float, default=1e-4, help="eV/A (default 1e-4)")
    parser.add_argument("--ptol", type=float, default=0.1,
                        help="bar: with --cell, the largest |P| of the relaxed cell (default 0.1)")
    parser.add_argument("--max-iterations", type=int, default=5000)
    parser.add_argument("--mdgpu", default=str(REPO / "build/mdgpu"))
    parser.add_argument("--workdir", help="where the files go (default: a temporary folder)")
    parser.add_argument("--json", help="write the comparison here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mdgpu-ase-relax-") as tmp:
        workdir = Path(args.workdir or tmp).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        start = read(args.structure)
        source = workdir / "start.extxyz"
        write(source, start, format="extxyz")
        ours, our_iterations, our_energy, log = relax_mdgpu(args, source, workdir)
        theirs, their_iterations = relax_ase(args, start.copy(), workdir)
        n = len(theirs)
        result = {
            "atoms": n,
            "mdgpu": {"iterations": our_iterations,
                      "energy_per_atom_eV": our_energy / n,
                      "cell_lengths_A": ours.cell.lengths().tolist()},
            "ase": {"iterations": their_iterations,
                    "energy_per_atom_eV": theirs.get_potential_energy() / n,
                    "cell_lengths_A": theirs.cell.lengths().tolist()},
            "largest_offset_A": largest_offset(theirs, ours),
        }
        print(json.dumps(result, indent=2))
        print(log.strip(), file=sys.stderr)
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
