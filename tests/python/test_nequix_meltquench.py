"""The shipped LiPON melt-quench input runs as shipped with the shipped Nequix model: a few 1 fs
steps of the 124-atom cell at 2000 K (melt, then the start of the quench), shortened only in
length and output intervals. The run must finish (the step guard stops a run whose atoms collide
or whose energy explodes, exit code 1), the temperature must stay that of a 2000 K run and the
total energy of the thermostatted system must stay finite.

  /usr/bin/python3 tests/python/test_nequix_meltquench.py BUILD/mdgpu
"""
import csv
import math
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tools"))

import mdgpu_toml  # noqa: E402

MDGPU = None
SHORT = ["stage.duration_ps=0.004", "output.thermo.every=1", "output.thermo.path=thermo.csv",
         "output.trajectory.every=4", "output.checkpoint.every_ps=0.004", "output.progress_every_s=0",
         "analysis.rdf.every=2", "analysis.motifs.every=2"]


class NequixMeltQuench(unittest.TestCase):
    def test_runs_at_2000K_without_tripping_the_guard(self):
        with tempfile.TemporaryDirectory(prefix="mdgpu-nequix-mq-") as tmp:
            tmp = Path(tmp)
            shutil.copytree(REPO / "inputs", tmp / "inputs")
            doc = mdgpu_toml.load(tmp / "inputs/lipon_meltquench.toml")
            self.assertIn("nequix-mp-1", doc["potential"]["model"])
            mdgpu_toml.apply_overrides(doc, SHORT, create=True)
            mdgpu_toml.write(doc, tmp / "inputs/short.toml")
            result = subprocess.run([MDGPU, "run", "-q", "inputs/short.toml"], cwd=tmp, capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stderr[-3000:])
            with open(tmp / "out/lipon/meltquench/thermo.csv", newline="") as f:
                rows = list(csv.DictReader(f))
            self.assertGreaterEqual(len(rows), 8)
            temperature_key = next(k for k in rows[0] if k.lower().startswith("temp"))
            energy_key = next(k for k in rows[0] if "etotal" in k.lower() or "total" in k.lower())
            for row in rows:
                t, e = float(row[temperature_key]), float(row[energy_key])
                self.assertTrue(math.isfinite(e), row)
                self.assertTrue(1000.0 < t < 3500.0, row)  # 2000 K velocities, a few fs in


if __name__ == "__main__":
    MDGPU = sys.argv.pop(1)
    unittest.main()
