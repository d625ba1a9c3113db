"""tools/export_nequix.py refuses, with exit status 2 and one line naming the file, a file that is
not a Nequix model and a Nequix config that mdgpu cannot represent, before it needs JAX or writes
anything. (Converting a real .nqx needs the nequix package; tests/test_nequix_reference.cpp checks
the shipped conversion against Nequix itself.)

  /usr/bin/python3 tests/python/test_export_nequix.py
"""
import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / "tools/export_nequix.py"

# The config line of nequix-mp-1.nqx, shortened to the keys the converter reads.
CONFIG = {"atomic_numbers": [3, 7, 8, 15], "hidden_irreps": "128x0e + 64x1o + 32x2e + 32x3o", "lmax": 3,
          "cutoff": 6.0, "n_layers": 4, "radial_basis_size": 8, "radial_mlp_size": 64, "radial_mlp_layers": 2,
          "radial_polynomial_p": 6.0, "index_weights": False, "layer_norm": True, "shift": 0.165,
          "scale": 0.807, "avg_n_neighbors": 57.4}


class Refusals(unittest.TestCase):
    def refused(self, content, what):
        with tempfile.TemporaryDirectory() as tmp:
            src, out = Path(tmp) / "model.nqx", Path(tmp) / "out.h5"
            src.write_bytes(content)
            r = subprocess.run([sys.executable, TOOL, src, "-o", out], capture_output=True, text=True)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn(what, r.stderr)
            self.assertIn(str(src), r.stderr)
            self.assertFalse(out.exists())

    def with_config(self, **changes):
        return (json.dumps({**CONFIG, **changes}) + "\n").encode() + b"\x93NUMPY..."

    def test_not_a_nequix_file(self):
        self.refused(b"\x89HDF\r\n\x1a\n" + bytes(range(256)), "not a Nequix JSON config")

    def test_per_species_skip(self):
        self.refused(self.with_config(index_weights=True), "index_weights")

    def test_lmax_above_3(self):
        self.refused(self.with_config(lmax=4), "lmax 4")

    def test_missing_key(self):
        config = dict(CONFIG)
        del config["avg_n_neighbors"]
        self.refused((json.dumps(config) + "\n").encode(), "avg_n_neighbors")


if __name__ == "__main__":
    unittest.main()
