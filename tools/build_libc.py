#!/usr/bin/python3
"""Build a LiBC supercell (extxyz) for the shipped LiBC NequIP model.

  build_libc.py -o OUT.extxyz [--repeat N1 N2 N3] [--rattle SIGMA] [--seed S]

LiBC, P6_3/mmc (No. 194), a = 2.752 A, c = 7.058 A (Woerle et al., Z. Anorg. Allg. Chem. 621,
1153 (1995)): Li at 2a (0,0,0), (0,0,1/2); B at 2c (1/3,2/3,1/4), (2/3,1/3,3/4); C at 2d
(1/3,2/3,3/4), (2/3,1/3,1/4). Graphite-like B-C honeycomb layers with Li between them; along c a
B sits above a C. The hexagonal cell is kept (no orthogonalisation). The default 5x5x2 gives
300 atoms, every cell width > 2 x 4 A (the model's r_max). --rattle displaces every atom by a
Gaussian of SIGMA A per component with numpy RandomState(seed), as ASE's Atoms.rattle.
"""
import argparse
import math
import sys

import numpy as np
from ase import Atoms
from ase.io import write
from ase.neighborlist import neighbor_list
from ase.spacegroup import crystal

A, C = 2.752, 7.058
WYCKOFF = [("Li", (0, 0, 0)), ("Li", (0, 0, 1 / 2)),
           ("B", (1 / 3, 2 / 3, 1 / 4)), ("B", (2 / 3, 1 / 3, 3 / 4)),
           ("C", (1 / 3, 2 / 3, 3 / 4)), ("C", (2 / 3, 1 / 3, 1 / 4))]


def unit_cell():
    cell = [[A, 0, 0], [-A / 2, A * math.sqrt(3) / 2, 0], [0, 0, C]]
    return Atoms([s for s, _ in WYCKOFF], scaled_positions=[p for _, p in WYCKOFF], cell=cell,
                 pbc=True)


def verify(atoms):
    """The listed sites are space group 194's orbits, B-C bonds are a/sqrt(3) in-plane, and
    each B has a C directly above it (c/2 higher)."""
    reference = crystal(["Li", "B", "C"], basis=[p for _, p in WYCKOFF[::2]], spacegroup=194,
                        cellpar=[A, A, C, 90, 90, 120])
    assert sorted(zip(reference.get_chemical_symbols(),
                      map(tuple, np.round(reference.get_scaled_positions(), 9)))) == \
        sorted(zip(atoms.get_chemical_symbols(),
                   map(tuple, np.round(atoms.get_scaled_positions(), 9))))
    symbols = np.array(atoms.get_chemical_symbols())
    i, j, d = neighbor_list("ijD", atoms, C / 2 + 0.01)
    for b in np.where(symbols == "B")[0]:
        mine = i == b
        bonds = np.linalg.norm(d[mine], axis=1) < 2.0
        assert list(symbols[j[mine][bonds]]) == ["C"] * 3, "B is not 3-fold bonded to C"
        assert np.allclose(d[mine][bonds][:, 2], 0) and np.allclose(
            np.linalg.norm(d[mine][bonds], axis=1), A / math.sqrt(3))
        above = mine & np.all(np.isclose(d, [0, 0, C / 2]), axis=1)
        assert list(symbols[j[above]]) == ["C"], "the atom above B is not C"
    return A / math.sqrt(3)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="build_libc.py", description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--output", required=True, help="extxyz file to write")
    parser.add_argument("--repeat", type=int, nargs=3, default=[5, 5, 2],
                        metavar=("N1", "N2", "N3"))
    parser.add_argument("--rattle", type=float, default=0.0, metavar="SIGMA",
                        help="Gaussian displacement per component, A (default: none)")
    parser.add_argument("--seed", type=int, default=0, help="seed for --rattle")
    args = parser.parse_args(argv)

    cell = unit_cell()
    bond = verify(cell)
    atoms = cell.repeat(args.repeat)
    if args.rattle > 0:
        atoms.rattle(stdev=args.rattle, seed=args.seed)
    write(args.output, atoms, format="extxyz")
    print(f"{args.output}: {len(atoms)} atoms ({atoms.get_chemical_formula()}), "
          f"B-C {bond:.4f} A, cell {atoms.cell.cellpar().round(4).tolist()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
