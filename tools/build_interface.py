#!/usr/bin/env python3
"""Build a Li(110)||LiPON interface cell: a bcc Li slab stacked on a LiPON block along c.

  build_interface.py LIPON -o OUT.extxyz [--frame I] [--li-source CONTCAR]
                     [--li-thickness T] [--gap G] [--transition-width W] [--min-distance D]

After Seth, Kulkarni & Sai Gautam, ACS Materials Au (2025), doi:10.1021/acsmaterialsau.4c00117
(19.5 A Li slab, 2 A gaps, 36.5 A cell; LiPON strained by -1.74 % in area and +1.39 % along c).

- Li: the bcc lattice constant comes from a one-atom primitive cell (default the shipped
  inputs/structures/ann-lipon/Li_bcc_mp-135_CONTCAR_PBE-relaxed, a = 3.42682 A). The (110)
  surface cell is the rectangle a x a*sqrt(2) ([001] x [1-10]) with 2 atoms per layer; layers are
  d = a/sqrt(2) apart and stack ABAB. --li-thickness is rounded to whole layers: L layers count as
  L*d (the room they take in bulk Li). The Li stays unstrained.
- Lateral match: for each way of laying the rectangle on the LiPON a-b plane ([001] or [1-10]
  along a) and each repeat count just below or above the LiPON length along a and b, the area
  misfit A_Li/A_LiPON - 1 is computed; the smallest wins, and among equal areas the smallest
  largest per-axis strain.
- LiPON (extxyz or POSCAR, last frame unless --frame; c must be normal to a and b, a normal to b)
  is strained in-plane onto the Li cell and along c by A_LiPON/A_Li, so its volume is unchanged:
  area strain = A_Li/A_LiPON - 1, c strain = c_new/c_old - 1 = 1/(1 + area strain) - 1. The
  periodic block is cut along c where it has the widest empty band, so the cut breaks the fewest
  bonds.
- The cell is periodic along c, so there are two Li|LiPON interfaces. --gap is the empty space
  along c at each: from the outermost Li (110) plane to the nearest LiPON atom. An interface plane
  lies in the middle of each gap. c = 2*gap + (L-1)*d + (extent of the LiPON atoms along c).
- Slabs for the Li MSD along c, with W = --transition-width on each side of each interface:
  transition 1 | bulk Li | transition 2 | bulk LiPON. So that each region is one slab (an MSD
  group) and none is split by the periodic boundary, the cell starts W below interface 1:
  interface 1 at z1 = W, interface 2 at z2 = W + (L-1)*d + gap, edges [0, 2W, z2-W, z2+W, c].
  The LiPON atoms less than W - gap/2 below interface 1 are therefore wrapped to the bottom of
  the cell, under the Li slab. The edges are stored as slab_edges (A) in the extxyz info and
  printed as a TOML line.

Writes OUT.extxyz and a POSCAR beside it (OUT.vasp), with the same atoms in the same order: the
L*(2*n1*n2) Li of the slab first (info li_metal_atoms), then the LiPON sorted Li, P, O, N. Bad input
exits with status 2 and a one-line message.
"""
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.neighborlist import neighbor_list

from build_lipon import (REPO, BuildError, OneLineParser, closest_pair, formula, read_structure,
                         sorted_by_species, write_structure)

DEFAULT_LI = "inputs/structures/ann-lipon/Li_bcc_mp-135_CONTCAR_PBE-relaxed"
SLAB_NAMES = ("transition_1", "bulk_Li", "transition_2", "bulk_LiPON")


def bcc_lattice_constant(prim, path):
    """a of a one-atom bcc primitive cell: three vectors of length a*sqrt(3)/2 at 109.47 deg."""
    lengths, angles = prim.cell.lengths(), prim.cell.angles()
    bcc_angle = math.degrees(math.acos(-1 / 3))
    if len(prim) != 1 or np.ptp(lengths) > 1e-6 * lengths[0] or \
            np.max(np.abs(angles - bcc_angle)) > 1e-4:
        raise BuildError(f"{path} is not a one-atom bcc primitive cell (lengths "
                         f"{lengths.round(5).tolist()}, angles {angles.round(3).tolist()})")
    return 2 * lengths[0] / math.sqrt(3)


def surface_cells(a):
    """The Li(110) rectangle both ways round: (direction along x, length, along y, length)."""
    return [("[001]", a, "[1-10]", a * math.sqrt(2)), ("[1-10]", a * math.sqrt(2), "[001]", a)]


def lateral_candidates(a, lx, ly):
    """Every orientation and floor/ceil repeat count per axis, best first (see the docstring)."""
    candidates = []
    for x_dir, ux, y_dir, uy in surface_cells(a):
        for n1 in {max(1, math.floor(lx / ux)), math.ceil(lx / ux)}:
            for n2 in {max(1, math.floor(ly / uy)), math.ceil(ly / uy)}:
                strain_x, strain_y = n1 * ux / lx - 1, n2 * uy / ly - 1
                # The same formula for every orientation: equal n1*n2 give bitwise-equal areas.
                area = n1 * n2 * (a * a * math.sqrt(2)) / (lx * ly) - 1
                candidates.append(dict(x_dir=x_dir, y_dir=y_dir, n1=n1, n2=n2, lx=n1 * ux,
                                       ly=n2 * uy, strain_x=strain_x, strain_y=strain_y,
                                       area=area))
    return sorted(candidates, key=lambda c: (abs(c["area"]), max(abs(c["strain_x"]),
                                                                 abs(c["strain_y"]))))


def li_slab(a, match, layers, z0):
    """bcc Li(110) layers at z0 + k*d. In the frame x || [001], y || [1-10], z || [110], bcc
    sites sit at (0, 0) and (a/2, a*sqrt(2)/2) on even layers, (a/2, 0) and (0, a*sqrt(2)/2) on
    odd ones."""
    d = a / math.sqrt(2)
    half = (a / 2, a * math.sqrt(2) / 2)
    patterns = [[(0, 0), half], [(half[0], 0), (0, half[1])]]
    if match["x_dir"] == "[1-10]":
        patterns = [[(v, u) for u, v in p] for p in patterns]
        half = half[::-1]
    unit = (2 * half[0], 2 * half[1])
    positions = [(u + i * unit[0], v + j * unit[1], z0 + k * d)
                 for k in range(layers) for i in range(match["n1"]) for j in range(match["n2"])
                 for u, v in patterns[k % 2]]
    return Atoms(["Li"] * len(positions), positions=positions)


def lipon_fractions(lipon, path):
    """Fractional coordinates of an orthogonal LiPON cell, wrapped into [0, 1)."""
    cell = lipon.cell
    if cell.rank < 3:
        raise BuildError(f"{path} has no full 3D cell")
    a, b, c = cell[:]
    unit = [v / np.linalg.norm(v) for v in (a, b, c)]
    if abs(unit[0] @ unit[2]) > 1e-6 or abs(unit[1] @ unit[2]) > 1e-6:
        raise BuildError(f"{path}: the cell is not orthogonal to c (alpha, beta = "
                         f"{cell.angles()[0]:.4f}, {cell.angles()[1]:.4f} deg); c must be normal "
                         "to the a-b plane")
    if abs(unit[0] @ unit[1]) > 1e-6:
        raise BuildError(f"{path}: a and b are not perpendicular (gamma = "
                         f"{cell.angles()[2]:.4f} deg); the Li(110) cell is rectangular")
    return lipon.get_scaled_positions(wrap=True) % 1.0


def cut_along_c(frac_z):
    """Shifts fractional z so the widest empty band of the periodic block straddles the cell
    boundary: the lowest atom at 0. Returns the shifted z and the band's width."""
    z = np.sort(frac_z)
    gaps = np.diff(np.append(z, z[0] + 1))
    k = int(np.argmax(gaps))
    start = z[(k + 1) % len(z)]
    return (frac_z - start) % 1.0, float(gaps[k])


def parse_args(argv):
    parser = OneLineParser(prog="build_interface.py", description=__doc__.split("\n")[0])
    parser.add_argument("lipon", help="LiPON block: extxyz or POSCAR, c normal to a and b")
    parser.add_argument("-o", "--output", required=True,
                        help="extxyz file to write; the POSCAR goes beside it as *.vasp")
    parser.add_argument("--frame", type=int, default=-1,
                        help="frame of a multi-frame LIPON file (default: the last)")
    parser.add_argument("--li-source", default=DEFAULT_LI,
                        help="one-atom bcc Li primitive cell (default: the shipped CONTCAR)")
    parser.add_argument("--li-thickness", type=float, default=19.5, metavar="T",
                        help="Li slab thickness, A, rounded to whole (110) layers (default 19.5)")
    parser.add_argument("--gap", type=float, default=2.0, metavar="G",
                        help="empty space along c at each interface, A (default 2)")
    parser.add_argument("--transition-width", type=float, default=3.0, metavar="W",
                        help="transition slab on each side of each interface, A (default 3)")
    parser.add_argument("--min-distance", type=float, default=1.2, metavar="D",
                        help="closest allowed pair in the result, A (default 1.2)")
    args = parser.parse_args(argv)
    for option, value in (("--li-thickness", args.li_thickness),
                          ("--transition-width", args.transition_width)):
        if value <= 0:
            raise BuildError(f"{option} {value} must be > 0")
    if args.gap < 0:
        raise BuildError(f"--gap {args.gap} must be >= 0")
    if Path(args.output).suffix.lower() == ".vasp":
        raise BuildError(f"-o {args.output}: give the extxyz name; the POSCAR is written as *.vasp")
    return args


def build(args):
    li_path = REPO / DEFAULT_LI if args.li_source == DEFAULT_LI else Path(args.li_source)
    a = bcc_lattice_constant(read_structure(li_path), args.li_source)
    d = a / math.sqrt(2)
    layers = round(args.li_thickness / d)
    if layers < 1:
        raise BuildError(f"--li-thickness {args.li_thickness} A is less than half a Li(110) layer "
                         f"spacing ({d:.4f} A)")

    lipon = sorted_by_species(read_structure(args.lipon, args.frame))
    frac = lipon_fractions(lipon, args.lipon)
    lx_old, ly_old, c_old = lipon.cell.lengths()
    candidates = lateral_candidates(a, lx_old, ly_old)
    match = candidates[0]
    c_new = c_old * (lx_old * ly_old) / (match["lx"] * match["ly"])  # keeps the volume

    frac_z, band = cut_along_c(frac[:, 2])
    w = args.transition_width
    z1 = w
    z2 = z1 + (layers - 1) * d + args.gap
    length = 2 * args.gap + (layers - 1) * d + (1 - band) * c_new
    edges = [0.0, 2 * w, z2 - w, z2 + w, length]
    if min(np.diff(edges)) <= 0:
        raise BuildError(f"--transition-width {w} A leaves no bulk Li or bulk LiPON (Li between "
                         f"the interfaces {z2 - z1:.3f} A, LiPON {length - z2 + z1:.3f} A; "
                         "each needs > 2W)")

    slab = li_slab(a, match, layers, z1 + args.gap / 2)
    block = Atoms(lipon.get_chemical_symbols(), pbc=True, scaled_positions=np.column_stack(
        [frac[:, 0], frac[:, 1], frac_z]), cell=np.diag([match["lx"], match["ly"], c_new]))
    block.positions[:, 2] += z2 + args.gap / 2
    atoms = slab + block
    atoms.set_cell(np.diag([match["lx"], match["ly"], length]))
    atoms.pbc = True
    atoms.wrap()
    closest = closest_pair(atoms)
    if closest[0] < args.min_distance:
        raise BuildError(f"{atoms.symbols[closest[1]]}-{atoms.symbols[closest[2]]} at "
                         f"{closest[0]:.3f} A is closer than --min-distance {args.min_distance} A; "
                         "widen --gap or check the LiPON block")
    geometry = dict(a=a, d=d, layers=layers, lipon=lipon, c_old=c_old, c_new=c_new,
                    c_strain=c_new / c_old - 1, z1=z1, z2=z2, length=length, edges=edges,
                    match=match, candidates=candidates, n_metal=len(slab), closest=closest)
    return atoms, geometry


def interface_distance(atoms, n_metal, cutoff):
    """Closest Li(metal)-LiPON pair, periodic."""
    i, j, dist = neighbor_list("ijd", atoms, cutoff)
    across = (i < n_metal) != (j < n_metal)
    return float(dist[across].min()) if across.any() else math.inf


def report(args, atoms, g, poscar):
    m = g["match"]
    lipon = g["lipon"]
    composition = formula(Counter(lipon.get_chemical_symbols()))
    print(f"{args.output} (+ {poscar}): {len(atoms)} atoms = {g['n_metal']} Li (metal slab) + "
          f"{len(lipon)} LiPON ({composition}); cell "
          f"{m['lx']:.4f} x {m['ly']:.4f} x {g['length']:.4f} A")
    print(f"Li: bcc a = {g['a']:.5f} A ({Path(args.li_source).name}); (110) spacing "
          f"d = {g['d']:.5f} A; {g['layers']} layers = {g['layers'] * g['d']:.3f} A "
          f"(--li-thickness {args.li_thickness}), {g['n_metal'] // g['layers']} atoms per layer, "
          f"nearest neighbour {g['a'] * math.sqrt(3) / 2:.5f} A")
    print(f"lateral match, LiPON a x b = {g['lipon'].cell.lengths()[0]:.4f} x "
          f"{g['lipon'].cell.lengths()[1]:.4f} A (area misfit, then largest axis strain):")
    for c in g["candidates"]:
        print(f"  {'chosen ' if c is m else '       '} x || {c['x_dir']:6s} x {c['n1']}, "
              f"y || {c['y_dir']:6s} x {c['n2']}: {c['lx']:.4f} x {c['ly']:.4f} A, strain "
              f"a {100 * c['strain_x']:+.2f} %, b {100 * c['strain_y']:+.2f} %, "
              f"area {100 * c['area']:+.2f} %")
    volume = m["lx"] * m["ly"] * g["c_new"]
    print(f"LiPON strain: area {100 * m['area']:+.3f} % (A_Li/A_LiPON - 1), c "
          f"{g['c_old']:.4f} -> {g['c_new']:.4f} A = {100 * g['c_strain']:+.3f} % "
          f"(c_new/c_old - 1); volume {lipon.get_volume():.3f} -> {volume:.3f} A^3")
    closest = interface_distance(atoms, g["n_metal"], args.gap + 4.0)
    d, i, j = g["closest"]
    print(f"gap {args.gap} A along c at both interfaces (interface 1 at z = {g['z1']:.4f} A, "
          f"interface 2 at z = {g['z2']:.4f} A); closest Li(metal)-LiPON pair {closest:.4f} A; "
          f"closest pair overall {atoms.symbols[i]}-{atoms.symbols[j]} {d:.4f} A")
    print(f"slabs along c (transition width {args.transition_width} A each side of each "
          "interface):")
    edges = g["edges"]
    for name, lo, hi in zip(SLAB_NAMES, edges, edges[1:]):
        print(f"  {name:12s} {lo:9.4f} - {hi:9.4f} A   {lo / edges[-1]:.6f} - "
              f"{hi / edges[-1]:.6f} (fractional)")
    # Fractional edges: rounding cannot push the last one past the cell, as it could in Å.
    print(f"# [analysis.msd] slabs for {Path(args.output).name}: "
          f"{', '.join(f'{e:.4f}' for e in edges)} A; Li_slab1-4 = {' | '.join(SLAB_NAMES)}")
    fractions = ", ".join(f"{e / edges[-1]:.8f}" for e in edges[1:-1])
    print(f"slabs = {{ axis = \"c\", edges_fractional = [0.0, {fractions}, 1.0] }}")


def main(argv=None):
    try:
        args = parse_args(argv)
        atoms, g = build(args)
    except BuildError as error:
        print(f"build_interface.py: error: {error}", file=sys.stderr)
        return 2
    m = g["match"]
    atoms.info.update(
        slab_edges=np.array(g["edges"]), slab_names=" ".join(SLAB_NAMES),
        interface_z=np.array([g["z1"], g["z2"]]), li_metal_atoms=g["n_metal"], li_a=g["a"],
        li_layers=g["layers"], li_thickness=g["layers"] * g["d"],
        li_repeat=np.array([m["n1"], m["n2"]]), li_x_direction=m["x_dir"], gap=args.gap,
        transition_width=args.transition_width, area_strain=m["area"],
        c_strain=g["c_strain"], lipon_c=g["c_new"], lipon_source=args.lipon)
    poscar = str(Path(args.output).with_suffix(".vasp"))
    write_structure(args.output, atoms, "extxyz")
    write_structure(poscar, atoms, "vasp")
    report(args, atoms, g, poscar)
    return 0


if __name__ == "__main__":
    sys.exit(main())
