"""Tests of tools/build_lipon.py and tools/build_interface.py against hand computations.

  /usr/bin/python3 tests/python/test_builders.py
"""
import math
import shutil
import subprocess
import sys
import tempfile
import unittest
from collections import Counter
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.geometry import get_distances
from ase.io import read, write

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

import report  # noqa: E402

BETA = REPO / "inputs/structures/ann-lipon/beta-Li3PO4_mp-13725_POSCAR"
CHARGE = {"Li": 1, "P": 5, "O": -2, "N": -3}
# beta-Li3PO4 POSCAR header: a, b, c = 4.922448, 5.296402, 6.176136 A, Li6 P2 O8.
BETA_CELL = np.array([4.922448, 5.296402, 6.176136])
# The bcc Li CONTCAR's primitive vectors are a/2 (-1, 1, 1) etc. with a/2 = 1.713409 A.
A_LI = 2 * 1.713409
D110 = A_LI / math.sqrt(2)


def run(tool, *args):
    return subprocess.run([sys.executable, str(REPO / "tools" / tool)] + [str(a) for a in args],
                          capture_output=True, text=True)


def counts(atoms):
    return {s: atoms.get_chemical_symbols().count(s) for s in CHARGE}


def pair_distances(p1, p2, cell):
    return get_distances(p1, p2, cell=cell, pbc=True)[1]


def min_distance(atoms):
    d = pair_distances(atoms.positions, atoms.positions, atoms.cell)
    return d[~np.eye(len(atoms), dtype=bool)].min()


def widest_band(frac_z):
    """Widest empty band along c of a periodic block, as a fraction of c."""
    z = np.sort(np.asarray(frac_z) % 1.0)
    return np.diff(np.append(z, z[0] + 1)).max()


class ToolCase(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="mdgpu-builders-test-"))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def ok(self, tool, *args):
        result = run(tool, *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def bad(self, tool, *args):
        result = run(tool, *args)
        self.assertEqual(result.returncode, 2, (args, result.stdout, result.stderr))
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, (args, result.stderr))
        self.assertTrue(lines[0].startswith(f"{tool}: error: "), lines[0])
        self.assertEqual(result.stdout, "")
        return lines[0]


class BuildLipon(ToolCase):
    def lipon(self, *args, name="lipon.extxyz"):
        out = self.tmp / name
        self.ok("build_lipon.py", "-o", out, *args)
        return read(out)

    def assert_on_supercell_sites(self, atoms, repeat):
        """Every atom sits on a site of the supercell; N on O sites; P on all P sites."""
        supercell = read(BETA).repeat(repeat)
        np.testing.assert_allclose(atoms.cell[:], supercell.cell[:], atol=1e-9)
        site_species = np.array(supercell.get_chemical_symbols())
        d = pair_distances(atoms.positions, supercell.positions, supercell.cell)
        nearest = d.argmin(axis=1)
        self.assertLess(d.min(axis=1).max(), 1e-6)
        self.assertEqual(len(set(nearest)), len(atoms))  # one atom per site
        expected = [{"N": "O"}.get(s, s) for s in atoms.get_chemical_symbols()]
        self.assertEqual(list(site_species[nearest]), expected)
        self.assertEqual(counts(atoms)["P"], (site_species == "P").sum())

    def test_defaults_are_the_paper_composition(self):
        atoms = self.lipon()
        # 2x2x2 Li6P2O8 = Li48 P16 O64; 5 O -> N (-5 charge) balanced by -1 Li +3 O: 2*3 - 1 = 5.
        self.assertEqual(counts(atoms), {"Li": 47, "P": 16, "O": 56, "N": 5})
        self.assertEqual(len(atoms), 124)
        self.assertEqual(atoms.info["composition"], "Li47P16O56N5")
        self.assertEqual(atoms.info["formula_per_P"], "Li2.9375PO3.5N0.3125")
        self.assertEqual((atoms.info["removed_Li"], atoms.info["removed_O"]), (1, 3))
        np.testing.assert_allclose(atoms.cell.lengths(), 2 * BETA_CELL)
        self.assert_on_supercell_sites(atoms, (2, 2, 2))
        # No rattle: the closest pair is beta-Li3PO4's shortest P-O bond, 1.557 A.
        self.assertAlmostEqual(min_distance(atoms), 1.5569, places=4)

    def test_compositions_are_neutral_and_as_asked(self):
        cases = [
            (["--n-nitrogen", "0"], {"Li": 48, "P": 16, "O": 64, "N": 0}),
            (["--n-nitrogen", "4"], {"Li": 48, "P": 16, "O": 58, "N": 4}),  # x = 0, y = 2
            (["--n-nitrogen", "7"], {"Li": 47, "P": 16, "O": 53, "N": 7}),  # x = 1, y = 4
            (["--composition", "Li42P16O52N6"], {"Li": 42, "P": 16, "O": 52, "N": 6}),
            (["--composition", "Li2.625PO3.25N0.375"], {"Li": 42, "P": 16, "O": 52, "N": 6}),
            (["--composition", "2.625,3.25,0.375"], {"Li": 42, "P": 16, "O": 52, "N": 6}),
            # The paper's rounded formula: 2.9375 -> 2.94, 0.3125 -> 0.31.
            (["--composition", "Li2.94PO3.5N0.31"], {"Li": 47, "P": 16, "O": 56, "N": 5}),
            # The paper's Li-poor training input Li71P24N1O94 (3x2x2, 192 atoms, -1 Li -1 O).
            (["--composition", "Li71P24O94N1", "--supercell", "3", "2", "2"],
             {"Li": 71, "P": 24, "O": 94, "N": 1}),
        ]
        for args, expected in cases:
            atoms = self.lipon(*args)
            found = counts(atoms)
            self.assertEqual(found, expected, args)
            self.assertEqual(sum(CHARGE[s] * n for s, n in found.items()), 0, args)
            x, y, z = (found[s] / found["P"] for s in ("Li", "O", "N"))
            self.assertAlmostEqual(x, 2 * y + 3 * z - 5, places=12, msg=args)
        self.assert_on_supercell_sites(atoms, (3, 2, 2))

    def test_seed(self):
        for name, seed in (("a", 7), ("b", 7), ("c", 8)):
            self.ok("build_lipon.py", "-o", self.tmp / f"{name}.extxyz", "--seed", seed)
        a, b, c = (self.tmp / f"{name}.extxyz" for name in "abc")
        self.assertEqual(a.read_bytes(), b.read_bytes())
        nitrogen = [read(p).positions[read(p).symbols == "N"] for p in (a, c)]
        self.assertFalse(np.allclose(nitrogen[0], nitrogen[1]))

    def test_rattle_keeps_min_distance(self):
        ideal = self.lipon("--seed", "2", name="ideal.extxyz")
        rattled = self.lipon("--seed", "2", "--rattle", "0.1", name="rattled.extxyz")
        self.assertEqual(rattled.get_chemical_symbols(), ideal.get_chemical_symbols())
        self.assertGreaterEqual(min_distance(rattled), 1.2)
        self.assertTrue(0.07 < np.std(rattled.positions - ideal.positions) < 0.13)

    def test_poscar_output(self):
        out = self.tmp / "lipon.vasp"
        self.ok("build_lipon.py", "-o", out)
        lines = out.read_text().splitlines()
        self.assertEqual(lines[5].split(), ["Li", "P", "O", "N"])  # one block per species
        self.assertEqual(lines[6].split(), ["47", "16", "56", "5"])
        self.assertEqual(len(read(out, format="vasp")), 124)

    def test_bad_input(self):
        cases = [
            ["--composition", "Li48P16O56N5"],  # net charge +1
            ["--composition", "Li2.8PO3.5N0.31"],  # x must be 2.9375
            ["--composition", "PO2"],  # no Li can balance it
            ["--composition", "Li50P16O65"],  # more Li and O than the supercell has
            ["--composition", "Li48P16O62N4"],  # 66 O+N sites
            ["--composition", "Li2.9PO3.51N0.31"],  # 56.16 O for 16 P
            ["--composition", "Li94P32O112N10"],  # 32 P, the supercell has 16
            ["--composition", "Li3PO4S"],
            ["--composition", "lipon"],
            ["--n-nitrogen", "-1"],
            ["--n-nitrogen", "43"],  # 43 + 22 O sites > 64
            ["--n-nitrogen", "3", "--composition", "Li47P16O56N5"],
            ["--supercell", "0", "2", "2"],
            ["--source", self.tmp / "missing.vasp"],
            ["--min-distance", "2.0"],  # beta-Li3PO4 itself has P-O 1.557 A
            ["--rattle", "0.5", "--min-distance", "1.5", "--max-tries", "3"],
        ]
        for args in cases:
            self.bad("build_lipon.py", "-o", self.tmp / "x.extxyz", *args)
        self.assertFalse((self.tmp / "x.extxyz").exists())


class BuildInterface(ToolCase):
    """The default LiPON block and the default interface on it are built once for all cases."""

    @classmethod
    def setUpClass(cls):
        cls.shared = Path(tempfile.mkdtemp(prefix="mdgpu-interface-test-"))
        cls.lipon_path = cls.shared / "lipon.extxyz"
        cls.default_path = cls.shared / "interface.extxyz"
        for tool, args in (("build_lipon.py", ["-o", cls.lipon_path]),
                           ("build_interface.py", [cls.lipon_path, "-o", cls.default_path])):
            result = run(tool, *args)
            if result.returncode != 0:
                raise RuntimeError(result.stderr)
        cls.lipon = read(cls.lipon_path)
        cls.default = read(cls.default_path), result.stdout

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.shared)

    def interface_of(self, lipon, *args):
        out = self.tmp / "interface.extxyz"
        result = self.ok("build_interface.py", lipon, "-o", out, *args)
        return read(out), result.stdout

    def interface(self, *args):
        return self.interface_of(self.lipon_path, *args)

    def test_li_slab(self):
        atoms, _ = self.default
        layers = 8  # round(19.5 / 2.42311) = round(8.05)
        per_layer = 2 * 2 * 3  # 2 atoms per a x a*sqrt(2) rectangle, 2 x 3 of them (below)
        n = layers * per_layer
        self.assertEqual(atoms.info["li_metal_atoms"], n)
        metal = atoms[:n]
        self.assertEqual(set(metal.get_chemical_symbols()), {"Li"})
        z = np.unique(metal.positions[:, 2].round(8))
        np.testing.assert_allclose(np.diff(z), D110)
        self.assertEqual(len(z), layers)
        for plane in z:
            self.assertEqual(np.sum(np.isclose(metal.positions[:, 2], plane)), per_layer)
        # bcc: nearest neighbours at a*sqrt(3)/2, 8 of them for atoms below the surface layers.
        nn = A_LI * math.sqrt(3) / 2
        d = pair_distances(metal.positions, metal.positions, atoms.cell)
        np.fill_diagonal(d, np.inf)
        self.assertAlmostEqual(d.min(), nn, places=5)
        inner = (metal.positions[:, 2] > z[0] + 0.1) & (metal.positions[:, 2] < z[-1] - 0.1)
        self.assertTrue(np.all(np.sum(np.abs(d[inner] - nn) < 1e-5, axis=1) == 8))

    def test_lateral_match_and_strains(self):
        atoms, stdout = self.default
        a0, b0, c0 = 2 * BETA_CELL
        # Li(110) rectangle a x a*sqrt(2) = 3.4268 x 4.8463 A; LiPON 9.8449 x 10.5928 A holds
        # 6.28 of them: 6 cells (-4.45 %) beat 4 (-36 %) and 9 (+43 %). Of the 6-cell lay-outs,
        # 2 x a*sqrt(2) along a (-1.55 %) and 3 x a along b (-2.95 %) strains each axis least.
        lx, ly = 2 * A_LI * math.sqrt(2), 3 * A_LI
        np.testing.assert_allclose(atoms.cell.lengths()[:2], [lx, ly], rtol=1e-12)
        self.assertEqual(atoms.info["li_x_direction"], "[1-10]")
        area_strain = lx * ly / (a0 * b0) - 1
        c_strain = (a0 * b0) / (lx * ly) - 1  # volume kept: c_new / c_old = A_old / A_new
        self.assertAlmostEqual(area_strain, -0.04451, places=5)
        self.assertAlmostEqual(atoms.info["area_strain"], area_strain, places=12)
        self.assertAlmostEqual(atoms.info["c_strain"], c_strain, places=12)
        self.assertAlmostEqual(atoms.info["lipon_c"], c0 * (1 + c_strain), places=10)
        self.assertIn(f"area {100 * area_strain:+.3f} %", stdout)
        self.assertIn(f"= {100 * c_strain:+.3f} % (c_new/c_old - 1)", stdout)

    def test_lipon_is_mapped_keeping_its_volume(self):
        atoms, _ = self.default
        n = atoms.info["li_metal_atoms"]
        block = atoms[n:]
        self.assertEqual(block.get_chemical_symbols(), self.lipon.get_chemical_symbols())
        lx, ly, _ = atoms.cell.lengths()
        c_new = self.lipon.get_volume() / (lx * ly)
        self.assertAlmostEqual(lx * ly * c_new / self.lipon.get_volume(), 1, delta=1e-10)
        # The map is s -> s * (lx, ly, c_new) plus a shift along c: fractional coordinates of
        # the block, relative to its first atom, are unchanged. Heights are taken above
        # interface 1 (z = W = 3 A), below which the top of the block is wrapped.
        old = self.lipon.get_scaled_positions()
        heights = (block.positions[:, 2] - 3.0) % atoms.cell.lengths()[2]
        new = np.column_stack([block.positions[:, :2], heights]) / [lx, ly, c_new]
        moved = (new - new[0]) - (old - old[0])
        np.testing.assert_allclose(moved - np.round(moved), 0, atol=1e-9)

    def check_layout(self, atoms, stdout, layers, gap, width):
        n = atoms.info["li_metal_atoms"]
        metal, block = atoms.positions[:n, 2], atoms.positions[n:, 2]
        c = atoms.cell.lengths()[2]
        lipon_c = self.lipon.get_volume() / (atoms.cell.lengths()[0] * atoms.cell.lengths()[1])
        extent = (1 - widest_band(self.lipon.get_scaled_positions()[:, 2])) * lipon_c
        self.assertAlmostEqual(c, 2 * gap + (layers - 1) * D110 + extent, places=8)
        # Interface 1 at z1 = W (the cell starts at the lower edge of its transition slab),
        # interface 2 at z2; above interface 1: gap/2, the Li slab, gap, the LiPON, gap/2.
        z1, z2 = width, width + (layers - 1) * D110 + gap
        np.testing.assert_allclose(atoms.info["interface_z"], [z1, z2], atol=1e-9)
        self.assertTrue(np.all((atoms.positions[:, 2] >= 0) & (atoms.positions[:, 2] < c)))
        metal_h, block_h = metal - z1, (block - z1) % c
        self.assertAlmostEqual(metal_h.min(), gap / 2, places=8)
        self.assertAlmostEqual(metal_h.max(), z2 - z1 - gap / 2, places=8)
        self.assertAlmostEqual(block_h.min(), z2 - z1 + gap / 2, places=8)
        self.assertAlmostEqual(block_h.max(), c - gap / 2, places=8)
        # Slabs: transition 1 | bulk Li | transition 2 | bulk LiPON, each W from its interface.
        edges = [0, 2 * width, z2 - width, z2 + width, c]
        np.testing.assert_allclose(atoms.info["slab_edges"], edges, atol=1e-9)
        in_slab = [(z >= lo) & (z < hi) for z in (metal, block) for lo, hi in [edges[1:3]]] + \
            [(z >= lo) & (z < hi) for z in (metal, block) for lo, hi in [edges[3:5]]]
        self.assertTrue(in_slab[0].any() and not in_slab[1].any())  # bulk Li: metal only
        self.assertTrue(in_slab[3].any() and not in_slab[2].any())  # bulk LiPON: LiPON only
        # Transition slabs hold the atoms within W - gap/2 of their interface, from both sides.
        for z_if in (z1, z2):
            near = np.abs(atoms.positions[:, 2] - z_if) < width
            self.assertTrue(near[:n].any() and near[n:].any())
        # The snippet to paste into [analysis.msd]: slabs = { ..., edges_fractional = [...] }.
        line = next(s for s in stdout.splitlines() if s.startswith("slabs = {"))
        self.assertIn('axis = "c"', line)
        inner = line[line.index("edges_fractional = [") + len("edges_fractional = ["):
                     line.rindex("]")]
        printed = [float(v) * c for v in inner.split(",")]
        np.testing.assert_allclose(printed, edges, atol=1e-6)
        # Across the interfaces no pair is closer than the gap along c.
        d = pair_distances(atoms.positions[:n], atoms.positions[n:], atoms.cell)
        self.assertGreaterEqual(d.min(), gap - 1e-9)

    def test_layout_defaults(self):
        atoms, stdout = self.default
        self.check_layout(atoms, stdout, layers=8, gap=2.0, width=3.0)

    def test_layout_options(self):
        # 10 / 2.42311 = 4.13 -> 4 layers.
        atoms, stdout = self.interface("--li-thickness", "10", "--gap", "1.5",
                                       "--transition-width", "2")
        self.assertEqual(atoms.info["li_metal_atoms"], 4 * 12)
        self.check_layout(atoms, stdout, layers=4, gap=1.5, width=2.0)

    def test_poscar_matches_extxyz(self):
        atoms, _ = self.default
        poscar = read(self.default_path.with_suffix(".vasp"), format="vasp")
        self.assertEqual(poscar.get_chemical_symbols(), atoms.get_chemical_symbols())
        np.testing.assert_allclose(poscar.positions, atoms.positions, atol=1e-6)
        self.assertEqual(Counter(poscar.get_chemical_symbols()),
                         Counter({"Li": 96 + 47, "P": 16, "O": 56, "N": 5}))

    def test_frame(self):
        # A trajectory whose last frame is unusable: the default takes it, --frame 0 does not.
        skewed = Atoms("LiO", positions=[[1, 1, 1], [3, 3, 3]],
                       cell=[[10, 0, 0], [3, 10, 0], [0, 0, 10]], pbc=True)
        frames = self.tmp / "frames.extxyz"
        write(frames, [self.lipon, skewed])
        self.bad("build_interface.py", frames, "-o", self.tmp / "x.extxyz")
        self.bad("build_interface.py", frames, "-o", self.tmp / "x.extxyz", "--frame", "2")
        atoms, _ = self.interface_of(frames, "--frame", "0")
        self.assertEqual(len(atoms), 96 + 124)

    def test_bad_input(self):
        slanted = self.tmp / "slanted.extxyz"
        write(slanted, Atoms("LiO", positions=[[1, 1, 1], [3, 3, 3]],
                             cell=[[10, 0, 0], [0, 10, 0], [2, 0, 10]], pbc=True))
        skewed = self.tmp / "skewed.extxyz"
        write(skewed, Atoms("LiO", positions=[[1, 1, 1], [3, 3, 3]],
                            cell=[[10, 0, 0], [3, 10, 0], [0, 0, 10]], pbc=True))
        no_cell = self.tmp / "molecule.xyz"
        write(no_cell, Atoms("LiO", positions=[[0, 0, 0], [2, 0, 0]]), format="xyz")
        out = self.tmp / "x.extxyz"
        cases = [
            [self.tmp / "missing.extxyz", "-o", out],
            [slanted, "-o", out],
            [skewed, "-o", out],
            [no_cell, "-o", out],
            [self.lipon_path, "-o", out, "--li-thickness", "-19.5"],
            [self.lipon_path, "-o", out, "--li-thickness", "1"],  # under half a layer
            [self.lipon_path, "-o", out, "--gap", "-2"],
            [self.lipon_path, "-o", out, "--gap", "0"],  # atoms of both sides touch
            [self.lipon_path, "-o", out, "--transition-width", "8"],  # no bulk left
            [self.lipon_path, "-o", out, "--li-source", self.lipon_path],  # not bcc Li
            [self.lipon_path, "-o", self.tmp / "x.vasp"],
        ]
        for args in cases:
            self.bad("build_interface.py", *args)
        self.assertFalse(out.exists())


if __name__ == "__main__":
    sys.exit(report.run(__name__))
