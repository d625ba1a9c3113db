"""Every input in inputs/ is valid and its protocol runs: shortened copies (few steps, the small
reference NequIP model in place of the paper's) of the whole LiPON study — melt-quench, interface
builder, temperature series with its Arrhenius fit and plots, interface diffusion — then
`mdgpu run --dry-run` of every shipped input as it is, and the one-minute LiBC example shortened,
its outputs read back by ASE.

  /usr/bin/python3 tests/python/test_inputs.py BUILD/mdgpu

The small reference model has random weights: it is a NequIP network, not a physical potential,
and atoms driven by it for long at high temperature run into each other. The copies therefore run
a few half-femtosecond steps at 300 K (with this model in place of the shipped Nequix one); what is tested is that every input, tool and hand-over
between protocols works, not the physics (the NequIP tests check the network against nequip).
"""
import csv
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
sys.path.insert(0, str(REPO / "tools"))

import mdgpu_toml  # noqa: E402
import report  # noqa: E402

MDGPU = None  # the binary, from the command line
TEMPERATURES = ["900", "1200", "1500"]  # 900 K: the folder lipon_diffusion.toml names

# Few steps, small intervals: what every shortened copy gets (keys an input lacks are skipped).
SHORT = ["stage.duration_ps=0.005", "stage.timestep_fs=0.5", "output.trajectory.every=5",
         "output.checkpoint.every_ps=0.005", "output.progress_every_s=0",
         "analysis.rdf.every=2", "analysis.motifs.every=2", "analysis.profile.every=2",
         "analysis.msd.every=1", "analysis.msd.max_lag_ps=0.002", "analysis.msd.blocks=2",
         # Ballistic lags only in 10 steps: force a fit window so that D, the Arrhenius fit and
         # its plot are exercised.
         "analysis.msd.fit_start_ps=0.0005"]


def run(*command, cwd):
    result = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, command))} -> {result.returncode}\n"
                             f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def shortened(source, target, extra=()):
    doc = mdgpu_toml.load(source)
    mdgpu_toml.apply_overrides(doc, SHORT + list(extra), create=False)
    mdgpu_toml.write(doc, target)
    return target


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


class LiponStudy(unittest.TestCase):
    """One study in order; each step starts from what the one before wrote."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="mdgpu-inputs-"))
        shutil.copytree(REPO / "inputs", cls.tmp / "inputs")
        run(sys.executable, REPO / "tools/export_nequip.py", REPO / "tests/data/nequip/small_seed0.h5",
            "-o", cls.tmp / "inputs/models/lipon_nequip.mdgpu.h5", cwd=cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_study_then_every_input_dry_runs(self):
        tmp, inputs = self.tmp, self.tmp / "inputs"
        cool = ["stage.temperature=300.0", "system.velocities.temperature=300.0"]
        # The copies run the small random model (fast) in place of the shipped Nequix one, which
        # the dry runs of step 5 and test_nequix_meltquench.py exercise. Absolute: the series
        # tool writes its copies elsewhere.
        small_model = [f"potential.model={inputs / 'models/lipon_nequip.mdgpu.h5'}"]

        # 1. Melt-quench (the ramp's start and stop both replaced by 300 K here).
        mq = shortened(inputs / "lipon_meltquench.toml", inputs / "short_meltquench.toml", cool + small_model)
        run(MDGPU, "run", "-q", mq, cwd=tmp)
        quenched = tmp / "out/lipon/meltquench/traj.extxyz"
        self.assertEqual(len(read(quenched, index=":")), 5)  # steps 0, 5, ..., 20
        motifs = rows(tmp / "out/lipon/meltquench/motifs_quench.csv")
        self.assertTrue(motifs and "PO4" in motifs[0], motifs[:1])

        # 2. The interface from the glass's last frame; its slabs line goes into the input.
        out = run(sys.executable, REPO / "tools/build_interface.py", quenched,
                  "-o", tmp / "out/lipon/interface/li110_lipon.extxyz", cwd=tmp)
        slabs = next(line for line in out.splitlines() if line.startswith("slabs = "))

        # 3. The temperature series: equilibrate + diffusion per T, Arrhenius, plots. Ten steps
        #    hold ballistic lags only: every D is NOT linear, so the Arrhenius fit refuses the
        #    series, naming each point and why, and the MSD curves are still plotted.
        series = subprocess.run(
            [str(c) for c in [sys.executable, REPO / "tools/run_temperature_series.py", "--start",
                              quenched, "--temperatures", *TEMPERATURES, "--out", "out/lipon",
                              "--mdgpu", MDGPU, "--equilibrate", inputs / "lipon_equilibrate.toml",
                              "--diffusion", inputs / "lipon_diffusion.toml",
                              *[a for s in SHORT + small_model if not s.startswith("analysis.profile")
                                for a in ("--set", s)]]],  # the series has no profile
            cwd=tmp, capture_output=True, text=True)
        self.assertEqual(series.returncode, 0, series.stderr[-3000:])
        for t in TEMPERATURES:
            d = rows(tmp / f"out/lipon/T{t}/diffusion/msd_production_D.csv")
            li = next(r for r in d if r["group"] == "Li" and r["component"] == "total")
            self.assertGreater(float(li["D_cm2_per_s"]), 0.0)
            self.assertEqual(li["linear"], "0")
            self.assertTrue((tmp / f"out/lipon/T{t}/equilibrate/rdf_equilibrate.csv").exists())
            self.assertTrue((tmp / f"out/lipon/T{t}/diffusion/msd_production.png").exists())
        self.assertIn("too few points for a fit: 0 temperature(s)", series.stderr)
        self.assertEqual(series.stderr.count("NOT linear"), 3, series.stderr)
        self.assertIn("no Arrhenius fit", series.stdout)
        self.assertFalse((tmp / "out/lipon/arrhenius.csv").exists())

        # 4. Interface diffusion with the slabs of the interface just built.
        inter = shortened(inputs / "interface_diffusion.toml", inputs / "short_interface.toml",
                          [f"analysis.msd.{slabs}"] + small_model)
        doc = mdgpu_toml.load(inter)
        self.assertEqual(doc["stage"][0]["ensemble"], "minimize")
        doc["stage"][0]["steps"] = 10  # the relaxation: a few iterations
        mdgpu_toml.write(doc, inter)
        run(MDGPU, "run", "-q", inter, cwd=tmp)
        groups = {r["group"] for r in rows(tmp / "out/lipon/interface/T600/msd_production_D.csv")}
        self.assertTrue({"Li", "Li_slab1", "Li_slab2", "Li_slab3", "Li_slab4"} <= groups, groups)

        # 5. Every shipped input, unchanged, is valid now that what it starts from exists (and
        #    what it writes too: the dry run checks the outputs, hence --overwrite).
        for path in sorted(REPO.glob("inputs/*.toml")):
            with self.subTest(input=path.name):
                plan = run(MDGPU, "run", "--dry-run", "--overwrite", inputs / path.name, cwd=tmp)
                self.assertIn("stages:", plan)


class SeriesValidatedFirst(unittest.TestCase):
    """A series whose diffusion input the real run would refuse (20 ps hold no 5 blocks of the
    default max lag) stops before its first equilibration, creating no run folder."""

    def test_refused_before_any_run(self):
        with tempfile.TemporaryDirectory(prefix="mdgpu-series-") as tmp:
            tmp = Path(tmp)
            model = tmp / "model.h5"
            run(sys.executable, REPO / "tools/export_nequip.py",
                REPO / "tests/data/nequip/small_seed0.h5", "-o", model, cwd=tmp)
            series = subprocess.run(
                [str(c) for c in [sys.executable, REPO / "tools/run_temperature_series.py",
                                  "--start", REPO / "inputs/structures/lipon_Li47P16O56N5_start.extxyz",
                                  "--temperatures", "600", "900", "--out", "out", "--mdgpu", MDGPU,
                                  "--set", "stage.duration_ps=20", "--set", f"potential.model={model}"]],
                cwd=tmp, capture_output=True, text=True)
            self.assertEqual(series.returncode, 2, series.stdout[-2000:] + series.stderr[-2000:])
            self.assertIn("max lag + origin spacing", series.stderr)
            self.assertNotIn("$ " + str(MDGPU) + " run out", series.stdout)  # no real run began
            self.assertFalse((tmp / "out/T600/equilibrate").exists())


class QuickStart(unittest.TestCase):
    """The README's first command runs inputs/libc_nequip_quickstart.toml; here shortened."""

    def test_outputs_read_by_ase(self):
        with tempfile.TemporaryDirectory(prefix="mdgpu-quickstart-") as tmp:
            tmp = Path(tmp)
            shutil.copytree(REPO / "inputs", tmp / "inputs")
            short = shortened(tmp / "inputs/libc_nequip_quickstart.toml",
                              tmp / "inputs/short_quickstart.toml")
            log = run(MDGPU, "run", short, cwd=tmp)
            self.assertIn("MSD of production", log)
            out = tmp / "out/libc-quickstart"
            frames = read(out / "traj.nc", index=":")
            self.assertEqual(len(frames), 5)  # steps 0, 5, ..., 20
            self.assertEqual(len(frames[0]), 108)
            self.assertEqual(sorted(set(frames[0].get_chemical_symbols())), ["B", "C", "Li"])
            start = read(REPO / "inputs/structures/LiBC_P63mmc_3x3x2.extxyz")
            np.testing.assert_allclose(frames[0].cell.cellpar(), start.cell.cellpar(), atol=1e-4)
            thermo = rows(out / "thermo.csv")
            self.assertEqual(len(thermo), 5)
            self.assertTrue(rows(out / "msd_production_D.csv"))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: test_inputs.py BUILD/mdgpu")
    MDGPU = Path(sys.argv.pop(1)).resolve()
    sys.exit(report.run(__name__))
