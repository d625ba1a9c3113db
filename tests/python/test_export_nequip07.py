"""tools/export_nequip.py on nequip >= 0.7 training checkpoints (tests/data/nequip07): the
committed model files are what it makes, and a damaged or unsupported checkpoint is refused with
exit status 2 and one line naming the file, with nothing written.

  test_export_nequip07.py [--torch]

Without --torch only the refusals that come before torch is needed run. With --torch the
python running this must have torch (the venv of tools/requirements-nequip07.txt); if it has
not, the script prints `SKIPPED: ...` and ctest reports the test as skipped.
"""
import subprocess
import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

import h5py
import numpy as np

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / "tools/export_nequip.py"
DATA = REPO / "tests/data/nequip07"
MODELS = ["lmax1_parity_3layers", "lmax2_noparity_2layers"]
CKPT = DATA / f"{MODELS[0]}.ckpt"
EMA_CKPT = DATA / f"{MODELS[1]}.ckpt"  # an EMALightningModule checkpoint


def export(src, out):
    return subprocess.run([sys.executable, TOOL, src, "-o", out], capture_output=True, text=True)


class Refusals(unittest.TestCase):
    def refused(self, src, what):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out.h5"
            r = export(src, out)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn(what, r.stderr)
            self.assertIn(str(src), r.stderr)
            self.assertFalse(out.exists())

    def test_truncated_checkpoint(self):
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "cut.ckpt"
            content = CKPT.read_bytes()
            src.write_bytes(content[:len(content) // 2])
            self.refused(src, "damaged zip archive")

    def test_package_archive(self):
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "model.nequip.zip"
            with zipfile.ZipFile(src, "w") as z:
                z.writestr("model/.data/version", "6\n")
                z.writestr("model/model/model.pkl", b"\x80\x04.")
            self.refused(src, "nequip-package")


class WithTorch(Refusals):
    def setUp(self):
        import torch
        self.torch = torch

    def changed(self, tmp, change, source=CKPT):
        """source with change(checkpoint) applied, saved as nequip saves it."""
        state = self.torch.load(source, map_location="cpu", weights_only=True)
        change(state)
        src = Path(tmp) / "changed.ckpt"
        self.torch.save(state, src)
        return src

    def test_committed_models_are_what_the_exporter_makes(self):
        for name in MODELS:
            with self.subTest(name), tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "out.h5"
                r = export(DATA / f"{name}.ckpt", out)
                self.assertEqual(r.returncode, 0, r.stderr)
                with h5py.File(out) as new, h5py.File(DATA / f"{name}.mdgpu.h5") as old:
                    self.assertEqual(sorted(new["weights"]), sorted(old["weights"]))
                    for key in new["weights"]:
                        np.testing.assert_array_equal(new["weights"][key][()], old["weights"][key][()])
                    for key in ("format_version", "layer_irreps_hidden", "irreps_edge_sh", "trained_dtype"):
                        np.testing.assert_array_equal(new.attrs[key], old.attrs[key])

    def refused_change(self, change, what, source=CKPT):
        with tempfile.TemporaryDirectory() as tmp:
            self.refused(self.changed(tmp, change, source), what)

    def test_ema_weights_that_do_not_match_the_parameters(self):
        self.refused_change(lambda s: s["state_dict"].pop("ema.ema_weight_3"), "EMA weights for", EMA_CKPT)

    def test_allegro(self):
        self.refused_change(lambda s: s["hyper_parameters"]["model"].update(
            _target_="allegro.model.AllegroModel"), "Allegro")

    def test_pair_potential(self):
        self.refused_change(lambda s: s["hyper_parameters"]["model"].update(
            pair_potential={"_target_": "nequip.nn.pair_potential.ZBL"}), "pair_potential")

    def test_avg_num_neighbors_per_type(self):
        self.refused_change(lambda s: s["hyper_parameters"]["model"].update(
            avg_num_neighbors={"Li": 10.0, "P": 12.0, "O": 11.0, "N": 9.0}), "avg_num_neighbors per type")

    def test_unverified_nequip_version(self):
        self.refused_change(lambda s: s["hyper_parameters"]["info_dict"]["versions"].update(nequip="0.12.1"),
                            "nequip version '0.12.1'")

    def test_weight_of_the_wrong_shape(self):
        key = "model.sole_model.model.func.per_atom_energy_readout.mlp_module.mlp.0.weight"
        self.refused_change(lambda s: s["state_dict"].update({key: s["state_dict"][key][:4]}), "has shape")

    def test_missing_weight(self):
        key = "model.sole_model.model.func.layer1_convnet.conv.sc.weight"
        self.refused_change(lambda s: s["state_dict"].pop(key), "missing weight layer1_convnet.conv.sc.weight")


if __name__ == "__main__":
    if "--torch" in sys.argv:
        sys.argv.remove("--torch")
        try:
            import torch  # noqa: F401
        except ImportError:
            print(f"SKIPPED: no torch in {sys.executable} (configure with -DMDGPU_TORCH_PYTHON= the "
                  f"python of the venv of tools/requirements-nequip07.txt)")
            sys.exit(0)
        suite = unittest.defaultTestLoader.loadTestsFromTestCase(WithTorch)
    else:
        suite = unittest.defaultTestLoader.loadTestsFromTestCase(Refusals)
    sys.exit(0 if unittest.TextTestRunner(verbosity=2).run(suite).wasSuccessful() else 1)
