"""Tests of tools/plot_parity.py, tools/plot_committee.py, tools/committee_frames.py and tools/build_libc.py.

  /usr/bin/python3 tests/python/test_tools.py
"""
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
from ase.io import read

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

import report  # noqa: E402

sys.path.insert(0, str(REPO / "tools"))
import mdgpu_toml  # noqa: E402


def run_tool(name, *args):
    result = subprocess.run([sys.executable, str(REPO / "tools" / name)] + [str(a) for a in args],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


def synthetic_eval_file(path, rng):
    """Frames as `mdgpu eval` writes them: predictions plus the labels as ref_*."""
    lines = []
    for frame, config_type in enumerate(["bulk", "bulk", "defect"]):
        symbols = ["Li", "B", "C", "C", "B"]
        pos = rng.uniform(0, 5, (5, 3))
        ref_forces = rng.normal(0, 1, (5, 3))
        forces = ref_forces + rng.normal(0, 0.05, (5, 3))
        energies = rng.normal(-6, 0.1, 5)
        ref_stress = rng.normal(0, 0.01, (3, 3))
        ref_stress = 0.5 * (ref_stress + ref_stress.T)
        stress = ref_stress + 1e-4
        lines.append("5")
        lines.append(
            'Lattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3:forces:R:3:energies:R:1:'
            f'ref_forces:R:3 energy={energies.sum()} ref_energy={energies.sum() + 0.01 * frame} '
            f'stress="{" ".join(map(str, stress.ravel()))}" '
            f'ref_stress="{" ".join(map(str, ref_stress.ravel()))}" config_type={config_type} '
            'pbc="T T T"')
        for i in range(5):
            values = [*pos[i], *forces[i], energies[i], *ref_forces[i]]
            lines.append(symbols[i] + " " + " ".join(f"{v:.10f}" for v in values))
    path.write_text("\n".join(lines) + "\n")


class Tools(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="mdgpu-tools-test-"))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_time_overrides_skip_minimisations(self):
        doc = {"stage": [{"ensemble": "minimize", "steps": 100},
                         {"ensemble": "nvt", "timestep_fs": 1.0, "duration_ps": 5.0}]}
        unused = mdgpu_toml.apply_overrides(doc, ["stage.duration_ps=0.5", "stage.timestep_fs=2.0"],
                                            create=False)
        self.assertEqual(unused, [])
        self.assertEqual(doc["stage"][0], {"ensemble": "minimize", "steps": 100})
        self.assertEqual(doc["stage"][1]["duration_ps"], 0.5)
        self.assertEqual(doc["stage"][1]["timestep_fs"], 2.0)

    def test_plot_parity(self):
        source = self.tmp / "eval.extxyz"
        synthetic_eval_file(source, np.random.default_rng(1))
        run_tool("plot_parity.py", source, "-o", self.tmp / "run")
        for kind in ("energy", "forces", "stress"):
            png = self.tmp / f"run_{kind}.png"
            self.assertTrue(png.exists(), png)
            self.assertGreater(png.stat().st_size, 10_000)
            self.assertEqual(png.read_bytes()[:8], b"\x89PNG\r\n\x1a\n")

    def test_plot_committee(self):
        # A committee eval file: the per-atom error grows with the deviation, as it should.
        rng = np.random.default_rng(2)
        lines = []
        for frame in range(3):
            sigma = rng.uniform(0.01, 0.5, 6)
            ref = rng.normal(0, 1, (6, 3))
            pred = ref + sigma[:, None] * rng.normal(0, 1, (6, 3))
            lines += ["6", 'Lattice="6 0 0 0 6 0 0 0 6" Properties=species:S:1:pos:R:3:forces:R:3:'
                      'ref_forces:R:3:force_dev:R:1 energy=-1.0 pbc="T T T"']
            for i in range(6):
                lines.append(" ".join(["Li" if i % 2 else "O"] + [str(v) for v in rng.uniform(0, 6, 3)]
                                      + [str(v) for v in pred[i]] + [str(v) for v in ref[i]] + [str(sigma[i])]))
        source = self.tmp / "committee.extxyz"
        source.write_text("\n".join(lines) + "\n")
        result = run_tool("plot_committee.py", source, "-o", self.tmp / "c", "--bins", "4")
        self.assertIn("18 atoms", result.stdout)
        result = run_tool("plot_committee.py", source, "-o", self.tmp / "c", "--frames")
        self.assertIn("3 frames", result.stdout)
        for png in (self.tmp / "c_deviation.png", self.tmp / "c_frames.png"):
            self.assertGreater(png.stat().st_size, 10_000)
            self.assertEqual(png.read_bytes()[:8], b"\x89PNG\r\n\x1a\n")

    def test_committee_frames(self):
        run_tool("build_libc.py", "-o", self.tmp / "libc.extxyz", "--repeat", "1", "1", "1")
        run_tool("committee_frames.py", self.tmp / "libc.extxyz", "-o", self.tmp / "frames.extxyz",
                 "--compress", "0.9", "--melt", self.tmp / "libc.extxyz")
        start, rattled, compressed, melt = read(self.tmp / "frames.extxyz", ":")
        self.assertEqual([a.info["config_type"] for a in (start, compressed, melt)],
                         ["start", "compressed x0.9", "melt"])
        self.assertAlmostEqual(compressed.get_volume(), 0.9 ** 3 * start.get_volume())
        self.assertTrue(0.03 < np.std(rattled.positions - start.positions) < 0.07)

    def test_build_libc(self):
        out = self.tmp / "libc.extxyz"
        run_tool("build_libc.py", "-o", out)
        atoms = read(out)
        self.assertEqual(len(atoms), 300)
        self.assertEqual(atoms.get_chemical_formula(), "C100B100Li100")  # ASE: C first (Hill)
        np.testing.assert_allclose(atoms.cell.cellpar(), [13.76, 13.76, 14.116, 90, 90, 120])
        rattled = []
        for name in ("a", "b"):
            run_tool("build_libc.py", "-o", self.tmp / f"{name}.extxyz", "--repeat", "2", "2",
                     "1", "--rattle", "0.05", "--seed", "3")
            rattled.append(read(self.tmp / f"{name}.extxyz").positions)
        run_tool("build_libc.py", "-o", self.tmp / "c.extxyz", "--repeat", "2", "2", "1")
        ideal = read(self.tmp / "c.extxyz").positions
        self.assertEqual(len(ideal), 24)
        np.testing.assert_array_equal(rattled[0], rattled[1])  # seeded
        self.assertTrue(0.03 < np.std(rattled[0] - ideal) < 0.07)


if __name__ == "__main__":
    sys.exit(report.run(__name__))
