#!/usr/bin/env python3
"""Build a crystalline LiPON (Li_xPO_yN_z) starting structure from beta-Li3PO4.

  build_lipon.py -o OUT.extxyz [--source POSCAR] [--supercell N1 N2 N3]
                 [--n-nitrogen K | --composition FORMULA] [--seed S]
                 [--rattle SIGMA] [--min-distance D] [--max-tries T] [--format auto|extxyz|vasp]

Recipe of Seth, Kulkarni & Sai Gautam, ACS Materials Au (2025), doi:10.1021/acsmaterialsau.4c00117:
a supercell of beta-Li3PO4 (Pmn2_1, mp-13725; default the shipped
inputs/structures/ann-lipon/beta-Li3PO4_mp-13725_POSCAR) has K of its O replaced by N at random,
and charge neutrality (Li+1, P+5, O-2, N-3) is restored by removing x Li and y O with 2y - x = K.
The defaults (2x2x2, K = 5, x = 1, y = 3) give the paper's Li47P16O56N5 = Li2.94PO3.5N0.31,
124 atoms. With --n-nitrogen K the fewest Li are removed: x = K mod 2, y = (K + x) / 2.
--composition gives the target instead, as whole counts for the supercell (Li47P16O56N5) or per
P (Li2.9375PO3.5N0.3125, or x,y,z as "2.9375,3.5,0.3125"); a per-P number with decimals is read
as rounded to its last digit, so the paper's Li2.94PO3.5N0.31 also gives Li47P16O56N5. Any
Li_xPO_yN_z with x = 2y + 3z - 5 whose counts fit in the supercell works.

Sites are drawn with numpy's default_rng(seed); --rattle adds a Gaussian displacement of SIGMA A
per Cartesian component. Substituting N at an O site and removing atoms never brings two atoms
closer, so --min-distance guards against what can: a --rattle that pushes two atoms together, or a
--source with overlapping atoms. A draw that leaves a pair closer than it is redrawn, up to
--max-tries times. Bad input exits with status 2 and a one-line message.

The output is a crystal with N and vacancies: melt-quench it (inputs/lipon_meltquench.toml) to
make amorphous LiPON.
"""
import argparse
import math
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from ase.io import read, write
from ase.neighborlist import neighbor_list

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = "inputs/structures/ann-lipon/beta-Li3PO4_mp-13725_POSCAR"
CHARGE = {"Li": 1, "P": 5, "O": -2, "N": -3}
ORDER = ("Li", "P", "O", "N")  # output order of the species (one block each in a POSCAR)
AMU_PER_A3_IN_G_PER_CM3 = 1.66053907


class BuildError(Exception):
    """Bad input: main prints the message on one line and exits with status 2."""


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports bad arguments as a BuildError (one line, status 2)."""

    def error(self, message):
        raise BuildError(message)


def read_structure(path, index=-1):
    try:
        return read(path, index=index)
    except Exception as error:  # ASE raises many kinds; all mean "cannot use this file"
        if isinstance(error, (IndexError, StopIteration)) and index != -1:
            raise BuildError(f"{path} has no frame {index}") from None
        reason = " ".join(str(error).split()) or type(error).__name__  # on one line
        raise BuildError(f"cannot read {path}: {reason}") from None


def write_structure(path, atoms, fmt):
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BuildError(f"cannot create the folder for {path}: {error.strerror}") from None
    if fmt == "vasp":
        write(path, atoms, format="vasp", direct=True, sort=False)
    else:
        write(path, atoms, format="extxyz")


def format_for(path):
    """The format mdgpu would infer from the name: *.vasp, *.poscar, *POSCAR*, *CONTCAR*."""
    name = Path(path).name.lower()
    is_vasp = name.endswith((".vasp", ".poscar")) or "poscar" in name or "contcar" in name
    return "vasp" if is_vasp else "extxyz"


def sorted_by_species(atoms):
    """Stable sort into Li, P, O, N (then any other species by first appearance)."""
    rank = {s: i for i, s in enumerate(dict.fromkeys(ORDER + tuple(atoms.symbols)))}
    return atoms[sorted(range(len(atoms)), key=lambda i: rank[atoms.symbols[i]])]


def formula(counts):
    return "".join(f"{s}{counts[s]}" for s in ORDER if counts.get(s))


def number(value, digits=6):
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def per_p_formula(counts, digits=6):
    """Li_xPO_yN_z with x, y, z per P."""
    p = counts["P"]
    return "".join(s + ("" if s == "P" else number(counts.get(s, 0) / p, digits))
                   for s in ORDER if counts.get(s))


def closest_pair(atoms, cutoff=4.0):
    """(distance, i, j) of the closest pair under periodic boundaries; (inf, -1, -1) if none
    is within `cutoff`."""
    i, j, d = neighbor_list("ijd", atoms, cutoff)
    if len(d) == 0:
        return math.inf, -1, -1
    k = int(np.argmin(d))
    return float(d[k]), int(i[k]), int(j[k])


def density(atoms):
    return atoms.get_masses().sum() / atoms.get_volume() * AMU_PER_A3_IN_G_PER_CM3


def parse_composition(text, n_p):
    """Whole counts for a supercell with n_p P, from "Li47P16O56N5" (P = n_p), a per-P formula
    "Li2.9375PO3.5N0.3125" (P = 1) or "x,y,z" (per P)."""
    xyz = text.split(",")
    if len(xyz) == 3:
        text = "Li{}PO{}N{}".format(*(v.strip() for v in xyz))
    token = r"([A-Z][a-z]?)(\d+(?:\.\d*)?|\.\d+)?"
    if not re.fullmatch(f"(?:{token})+", text):
        raise BuildError(f"cannot read the composition '{text}': expected e.g. Li47P16O56N5, "
                         "Li2.9375PO3.5N0.3125 or 2.9375,3.5,0.3125")
    values = {}
    for symbol, value in re.findall(token, text):
        if symbol not in CHARGE:
            raise BuildError(f"composition '{text}': {symbol} is not one of Li, P, O, N")
        if symbol in values:
            raise BuildError(f"composition '{text}' names {symbol} twice")
        values[symbol] = value or "1"
    if "P" not in values:
        raise BuildError(f"composition '{text}' has no P")
    p = float(values["P"])
    if p == 1:
        scale = n_p
    elif p == n_p:
        scale = 1
    else:
        raise BuildError(f"composition '{text}' has {values['P']} P but the supercell has {n_p}; "
                         "give P1 (per P) or change --supercell")
    counts = {"P": n_p}
    for symbol in ("O", "N"):
        value = values.get(symbol, "0")
        counts[symbol] = round(float(value) * scale)
        if not matches(value, counts[symbol], scale):
            raise BuildError(f"composition '{text}': {value} {symbol} per {values['P']} P is "
                             f"{float(value) * scale:g} {symbol} for the {n_p} P of the supercell, "
                             "not a whole number")
    # Neutrality fixes Li; the given Li must agree with it.
    counts["Li"] = 2 * counts["O"] + 3 * counts["N"] - 5 * n_p
    if counts["Li"] < 0:
        raise BuildError(f"composition '{text}' is not charge neutral (Li+1 P+5 O-2 N-3): "
                         f"{counts['O']} O and {counts['N']} N cannot balance {n_p} P even with "
                         "no Li")
    li = values.get("Li", "0")
    if not matches(li, counts["Li"], scale):
        raise BuildError(f"composition '{text}' is not charge neutral (Li+1 P+5 O-2 N-3): "
                         f"{n_p} P, {counts['O']} O and {counts['N']} N need {counts['Li']} Li "
                         f"(x = 2y + 3z - 5 = {number(counts['Li'] / n_p)} per P), "
                         f"not {float(li) * scale:g}")
    return {s: counts[s] for s in ORDER}


def matches(value, count, scale):
    """Whether `count` atoms is what the number `value` (times `scale`) says: exactly for a whole
    number; for a decimal, anything that rounds to it (Li2.94PO3.5N0.31 is Li47P16O56N5)."""
    digits = len(value.partition(".")[2])
    tolerance = 0.5 * 10 ** -digits * scale if digits else 0.0
    return abs(count - float(value) * scale) <= tolerance + 1e-9


def counts_for_nitrogen(k, available, label):
    """K N at O sites, then the fewest Li removed: x = K mod 2 Li and y = (K + x) / 2 O."""
    if k < 0:
        raise BuildError(f"--n-nitrogen {k} is negative")
    x = k % 2
    y = (k + x) // 2
    if k + y > available["O"] or x > available["Li"]:
        raise BuildError(f"--n-nitrogen {k} needs {k} O -> N, {y} O and {x} Li removed, but "
                         f"{label} has {available['O']} O and {available['Li']} Li")
    return {"Li": available["Li"] - x, "P": available["P"], "O": available["O"] - k - y, "N": k}


def check_reachable(target, available, label):
    """O->N substitution and removals only: no Li or O sites can be added."""
    name = formula(target)
    if target["Li"] > available["Li"]:
        raise BuildError(f"{name} needs {target['Li']} Li but {label} has {available['Li']} "
                         "(Li can only be removed)")
    if target["O"] + target["N"] > available["O"]:
        raise BuildError(f"{name} needs {target['O'] + target['N']} O+N sites but {label} has "
                         f"{available['O']} O")


def draw(supercell, target, rng, rattle):
    """One random LiPON: N on target['N'] O sites, then O and Li removed at random."""
    symbols = np.array(supercell.get_chemical_symbols(), dtype=object)
    o_sites = np.flatnonzero(symbols == "O")
    li_sites = np.flatnonzero(symbols == "Li")
    nitrogen = rng.choice(o_sites, target["N"], replace=False)
    symbols[nitrogen] = "N"
    remaining_o = np.setdiff1d(o_sites, nitrogen)
    removed = np.concatenate([
        rng.choice(remaining_o, len(remaining_o) - target["O"], replace=False),
        rng.choice(li_sites, len(li_sites) - target["Li"], replace=False)])
    atoms = supercell.copy()
    atoms.set_chemical_symbols(list(symbols))
    del atoms[sorted(removed)]
    if rattle > 0:
        atoms.positions += rng.normal(0.0, rattle, atoms.positions.shape)
    return sorted_by_species(atoms)


def build(supercell, target, args):
    """Draws until the closest pair is at least --min-distance apart."""
    rng = np.random.default_rng(args.seed)
    closest = None
    for _ in range(args.max_tries):
        atoms = draw(supercell, target, rng, args.rattle)
        closest = closest_pair(atoms)
        if closest[0] >= args.min_distance:
            return atoms, closest
    d, i, j = closest
    raise BuildError(f"no placement in {args.max_tries} tries keeps every pair >= "
                     f"--min-distance {args.min_distance} A (last try: "
                     f"{atoms.symbols[i]}-{atoms.symbols[j]} at {d:.3f} A); "
                     "lower --rattle or --min-distance, or raise --max-tries")


def parse_args(argv):
    parser = OneLineParser(prog="build_lipon.py", description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--output", required=True,
                        help="structure file to write (extxyz, or POSCAR: see --format)")
    parser.add_argument("--source", default=DEFAULT_SOURCE,
                        help="beta-Li3PO4 cell (Li, P, O only; default: the shipped POSCAR)")
    parser.add_argument("--supercell", type=int, nargs=3, default=[2, 2, 2],
                        metavar=("N1", "N2", "N3"))
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--n-nitrogen", type=int, default=5, metavar="K",
                        help="O replaced by N (default 5); the fewest Li are removed")
    target.add_argument("--composition", metavar="FORMULA",
                        help="target, e.g. Li47P16O56N5, Li2.9375PO3.5N0.3125, 2.9375,3.5,0.3125")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--rattle", type=float, default=0.0, metavar="SIGMA",
                        help="Gaussian displacement per component, A (default: none)")
    parser.add_argument("--min-distance", type=float, default=1.2, metavar="D",
                        help="closest allowed pair, A (default 1.2)")
    parser.add_argument("--max-tries", type=int, default=100, metavar="T")
    parser.add_argument("--format", choices=["auto", "extxyz", "vasp"], default="auto",
                        help="auto: POSCAR for *.vasp, *.poscar, *POSCAR*; extxyz otherwise")
    args = parser.parse_args(argv)
    if min(args.supercell) < 1:
        raise BuildError(f"--supercell {' '.join(map(str, args.supercell))}: each must be >= 1")
    if args.rattle < 0 or args.min_distance < 0 or args.max_tries < 1:
        raise BuildError("--rattle and --min-distance must be >= 0, --max-tries >= 1")
    return args


def main(argv=None):
    try:
        args = parse_args(argv)
        source = Path(args.source) if args.source != DEFAULT_SOURCE else REPO / DEFAULT_SOURCE
        cell = read_structure(source)
        available_cell = Counter(cell.get_chemical_symbols())
        if set(available_cell) - {"Li", "P", "O"} or not available_cell["P"]:
            raise BuildError(f"{args.source} must hold Li, P and O only, found "
                             f"{cell.get_chemical_formula()}")
        if sum(CHARGE[s] * n for s, n in available_cell.items()) != 0:
            raise BuildError(f"{args.source} ({cell.get_chemical_formula()}) is not charge neutral")
        d, i, j = closest_pair(cell)
        if d < args.min_distance:
            raise BuildError(f"{args.source}: {cell.symbols[i]}-{cell.symbols[j]} at {d:.3f} A is "
                             f"already closer than --min-distance {args.min_distance} A")
        supercell = sorted_by_species(cell.repeat(args.supercell))
        available = {s: supercell.get_chemical_symbols().count(s) for s in ORDER}
        label = f"the {'x'.join(map(str, args.supercell))} supercell ({formula(available)})"
        target = (parse_composition(args.composition, available["P"]) if args.composition
                  else counts_for_nitrogen(args.n_nitrogen, available, label))
        check_reachable(target, available, label)
        atoms, (d, i, j) = build(supercell, target, args)
    except BuildError as error:
        print(f"build_lipon.py: error: {error}", file=sys.stderr)
        return 2

    removed_li = available["Li"] - target["Li"]
    removed_o = available["O"] - target["O"] - target["N"]
    atoms.info.update(composition=formula(target), formula_per_P=per_p_formula(target),
                      source=args.source, supercell=" ".join(map(str, args.supercell)),
                      seed=args.seed, n_nitrogen=target["N"], removed_Li=removed_li,
                      removed_O=removed_o, rattle=args.rattle)
    fmt = format_for(args.output) if args.format == "auto" else args.format
    write_structure(args.output, atoms, fmt)

    lengths = " x ".join(f"{v:.4f}" for v in atoms.cell.lengths())
    print(f"{args.output} ({fmt}): {formula(target)}, {len(atoms)} atoms "
          f"({', '.join(f'{target[s]} {s}' for s in ORDER)}) = {per_p_formula(target)} "
          f"(~{per_p_formula(target, 2)}), from the "
          f"{'x'.join(map(str, args.supercell))} supercell of {Path(args.source).name} "
          f"({formula(available)}, {len(supercell)} atoms) with {target['N']} O -> N, "
          f"{removed_li} Li and {removed_o} O removed (seed {args.seed}"
          f"{f', rattle {args.rattle} A' if args.rattle else ''}); cell {lengths} A, "
          f"density {density(atoms):.4f} g/cm3, closest pair "
          f"{atoms.symbols[i]}-{atoms.symbols[j]} {d:.4f} A.")
    print("This is a crystalline starting point, not amorphous LiPON: melt-quench it "
          "(e.g. inputs/lipon_meltquench.toml) before measuring anything.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
