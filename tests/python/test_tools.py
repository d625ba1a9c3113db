"""Tests of tools/plot_parity.py, tools/plot_committee.py, tools/committee_frames.py, tools/build_libc.py,
tools/mdgpu_toml.py, tools/check_ptxas.py and tools/gpu_check/ncu_summary.py.

  /usr/bin/python3 tests/python/test_tools.py
"""
import json
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

    def test_ptxas_gate(self):
        # Two kernels as ptxas reports them (a mangled for_each_kernel over an item, and a named one).
        report = ("ptxas info    : Function properties for "
                  "_ZN5mdgpu4cuda11exec_detail15for_each_kernelINS_6nequip5items3AddIdEEEEvlT_\n"
                  "    0 bytes stack frame, {spill} bytes spill stores, {spill} bytes spill loads\n"
                  "ptxas info    : Used {regs} registers, used 0 barriers\n"
                  "ptxas info    : Function properties for _ZN5mdgpu4cuda12fused_kernelEv\n"
                  "    16 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\n"
                  "ptxas info    : Used 40 registers, used 1 barriers\n")
        build, budget = self.tmp / "build", self.tmp / "budget.json"
        build.mkdir()

        def gate(regs, spill, *extra):
            if regs is not None:
                (build / "k.cu.o.ptxas").write_text(report.format(regs=regs, spill=spill))
            return subprocess.run([sys.executable, str(REPO / "tools" / "check_ptxas.py"), "--build-dir", build,
                                   "--budget", budget, *extra], capture_output=True, text=True)

        self.assertEqual(gate(10, 0, "--record").returncode, 0)
        self.assertEqual(gate(10, 0).returncode, 0)
        self.assertEqual(gate(8, 0).returncode, 0)  # fewer registers pass
        self.assertEqual(sorted(json.loads(budget.read_text())), ["mdgpu::cuda::fused_kernel", "mdgpu::nequip::items::Add<double>"])
        grown = gate(11, 0)
        self.assertEqual(grown.returncode, 1)
        self.assertIn("uses 11 registers, above its budget of 10", grown.stdout)
        spilled = gate(10, 4)
        self.assertEqual(spilled.returncode, 1)
        self.assertIn("spills 8 bytes", spilled.stdout)
        (build / "k.cu.o.ptxas").unlink()
        self.assertIn("SKIPPED", gate(None, 0).stdout)  # absent: the build had no nvcc

    def test_ncu_summary(self):
        # Rows as `ncu --metrics gpu__time_duration.sum --csv` prints them, after its own ==PROF== lines.
        head = ["ID", "Process ID", "Process Name", "Host Name", "Kernel Name", "Context", "Stream", "Block Size",
                "Grid Size", "Device", "CC", "Section Name", "Metric Name", "Metric Unit", "Metric Value"]
        kernels = [("void mdgpu::cuda::exec_detail::for_each_kernel<mdgpu::nequip::items::EdgeMessageGrad<float>>"
                    "(long, mdgpu::nequip::items::EdgeMessageGrad<float>)", "1,500"),
                   ("void mdgpu::cuda::fused_messages<float, 2>(mdgpu::nequip::Edges, const float *)", "900"),
                   ("void mdgpu::cuda::exec_detail::for_each_kernel<mdgpu::nequip::items::EdgeMessageGrad<float>>"
                    "(long, mdgpu::nequip::items::EdgeMessageGrad<float>)", "700")]
        lines = ["==PROF== Connected to process 1", ",".join(f'"{h}"' for h in head)]
        for i, (k, v) in enumerate(kernels):
            lines.append(",".join(f'"{x}"' for x in [i, 1, "mdgpu", "h", k, 1, 7, "(128, 1, 1)", "(9, 1, 1)", 0,
                                                      "9.0", "Command line profiler metrics",
                                                      "gpu__time_duration.sum", "nsecond", v]))
        log, hottest = self.tmp / "ncu.log", self.tmp / "hottest"
        log.write_text("\n".join(lines) + "\n")
        out = run_tool("gpu_check/ncu_summary.py", log, hottest).stdout
        self.assertIn("3 kernel launches", out)
        self.assertIn("2.2 us in    2 launches  EdgeMessageGrad", out)
        self.assertIn("0.9 us in    1 launches  fused_messages", out)
        self.assertEqual(hottest.read_text(), "EdgeMessageGrad")


if __name__ == "__main__":
    sys.exit(report.run(__name__))
