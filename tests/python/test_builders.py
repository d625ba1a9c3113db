"""Tests of tools/build_lipon.py against hand computations.

  /usr/bin/python3 tests/python/test_builders.py
"""
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
from ase.geometry import get_distances
from ase.io import read

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

import report  # noqa: E402

BETA = REPO / "inputs/structures/ann-lipon/beta-Li3PO4_mp-13725_POSCAR"
CHARGE = {"Li": 1, "P": 5, "O": -2, "N": -3}
# beta-Li3PO4 POSCAR header: a, b, c = 4.922448, 5.296402, 6.176136 A, Li6 P2 O8.
BETA_CELL = np.array([4.922448, 5.296402, 6.176136])


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


if __name__ == "__main__":
    sys.exit(report.run(__name__))
