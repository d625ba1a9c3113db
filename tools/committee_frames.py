#!/usr/bin/python3
"""Configurations at growing distance from a structure, for asking a committee where it stops
agreeing (docs/committee.md): the structure itself, a rattled copy, copies compressed uniformly,
and optionally a snapshot of a melt.

  committee_frames.py STRUCTURE -o FRAMES.extxyz [--melt SNAPSHOT] [--rattle 0.05]
                      [--compress 0.95 0.90 0.85] [--seed 0]

Each frame is named by its `config_type`; feed the file to `mdgpu eval --model A --model B ...`
and plot the result with tools/plot_committee.py --frames.
"""
import argparse
import sys

import numpy as np
from ase.io import read, write


def bare(atoms, name):
    """Positions, cell and species only, named `name`."""
    a = atoms.copy()
    a.calc = None
    a.info = {"config_type": name}
    for key in [k for k in a.arrays if k not in ("numbers", "positions")]:
        del a.arrays[key]
    return a


def main(argv=None):
    parser = argparse.ArgumentParser(prog="committee_frames.py", description=__doc__.splitlines()[0])
    parser.add_argument("structure")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--melt", help="a snapshot of a melt (the last frame of the file)")
    parser.add_argument("--rattle", type=float, default=0.05, help="Gaussian displacement, Å (0: none)")
    parser.add_argument("--compress", type=float, nargs="*", default=[0.95, 0.90, 0.85],
                        help="linear scale factors of the cell")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    start = read(args.structure)
    frames = [bare(start, "start")]
    if args.rattle > 0:
        r = bare(start, f"rattled {args.rattle} Å")
        r.positions += np.random.default_rng(args.seed).normal(0.0, args.rattle, r.positions.shape)
        frames.append(r)
    for s in args.compress:
        c = bare(start, f"compressed x{s}")
        c.set_cell(c.cell * s, scale_atoms=True)
        frames.append(c)
    if args.melt:
        frames.append(bare(read(args.melt, index=-1), "melt"))
    write(args.output, frames, format="extxyz")
    print(f"wrote {args.output}: {len(frames)} frames ({', '.join(f.info['config_type'] for f in frames)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
