"""Tests of tools/export_nequip.py (and tools/run_deployed_nequip.py's reference JSON).

  /usr/bin/python3 tests/python/test_export_nequip.py

Parts needing torch, or the third-party files under shared/ (MDGPU_SHARED, default ../shared
next to the checkout), print `SKIPPED: <reason>` when those are absent; the exit status is 0
unless something failed.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tools"))

import report  # noqa: E402

SHARED = Path(os.environ.get("MDGPU_SHARED", REPO.parent / "shared"))
EXPORT = REPO / "tools" / "export_nequip.py"
SMALL = REPO / "tests" / "data" / "nequip" / "small_seed0.h5"
LIBC_DIR = SHARED / "real" / "nequip_models" / "hyllios_nequip2fc_LiBC"
GAP20_DIR = SHARED / "real" / "nequip_models" / "ltau-ff_GAP20_carbon"
GAP20_JSON = REPO / "tests" / "data" / "nequip" / "gap20_sample215_torchscript.json"
SHIPPED_LIBC = REPO / "inputs" / "models" / "LiBC_nequip2fc" / "LiBC_nequip2fc.mdgpu.h5"
E3NN_SILU, E3NN_TANH = 1.6791767923989418, 1.5937334472592695
ERROR_LINE = re.compile(r"^export_nequip\.py: error: .+, in \S.*$")

try:
    import torch
except ImportError:
    torch = None


def needs_torch(test):
    return unittest.skipIf(torch is None, "torch is not installed")(test)


def needs_shared(*paths):
    missing = [str(p) for p in paths if not Path(p).exists()]
    return unittest.skipIf(bool(missing), f"not present: {', '.join(missing)}")


def export(*args, python_prefix=()):
    """Run the exporter as a user would; python_prefix runs code before it (e.g. hide torch)."""
    if python_prefix:
        code = "; ".join(python_prefix) + (
            f"; import runpy; sys.argv = {[str(EXPORT)] + [str(a) for a in args]!r}"
            f"; runpy.run_path({str(EXPORT)!r}, run_name='__main__')")
        cmd = [sys.executable, "-c", "import sys; " + code]
    else:
        cmd = [sys.executable, str(EXPORT)] + [str(a) for a in args]
    return subprocess.run(cmd, capture_output=True, text=True)


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def energy_weights(state_dict):
    """Oracle for what must be exported: every non-empty tensor of the energy network (named
    after 'func.') except the structural buffers."""
    out = {}
    for key, value in state_dict.items():
        value = np.asarray(value)
        parts = key.split(".")
        if "func" in parts and value.size and parts[-1] != "output_mask" \
                and not parts[-1].startswith("_w3j_"):
            out[".".join(parts[parts.index("func") + 1:])] = value
    return out


def torch_state(module_or_dict):
    items = module_or_dict.items() if isinstance(module_or_dict, dict) else \
        module_or_dict.state_dict().items()
    return {k: v.detach().cpu().numpy() for k, v in items}


class ExportCase(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="mdgpu-export-test-"))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def export_ok(self, *args):
        result = export(*args)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def check_weights(self, out, state_dict, num_types, global_scale=1.0):
        """Every exported tensor equals its source (float64, same shape) and nothing else."""
        want = energy_weights(state_dict)
        with h5py.File(out, "r") as f:
            got = f["weights"]
            for name, value in want.items():
                if name.startswith("per_species_rescale."):
                    value = np.broadcast_to(value.reshape(-1), (num_types,))
                self.assertEqual(got[name].dtype, np.float64, name)
                self.assertIsNone(got[name].compression, name)
                np.testing.assert_array_equal(got[name][()], value.astype(np.float64), name)
            extra = set(got) - set(want) - {"global_scale", "per_species_rescale.scales",
                                             "per_species_rescale.shifts"}
            self.assertEqual(extra, set())
            self.assertEqual(got["global_scale"].shape, ())
            self.assertEqual(got["global_scale"][()], global_scale)
            for name in ("per_species_rescale.scales", "per_species_rescale.shifts"):
                self.assertEqual(got[name].shape, (num_types,))
            return dict(f.attrs), {k: v for k, v in f["activations"].attrs.items()}


class Constants(unittest.TestCase):
    @needs_torch
    def test_normalize2mom_reproduces_e3nn(self):
        from nequip_export.activations import KNOWN, normalize2mom
        self.assertEqual(normalize2mom("silu"), E3NN_SILU)
        self.assertEqual(normalize2mom("tanh"), E3NN_TANH)
        self.assertEqual(KNOWN, {"silu": E3NN_SILU, "tanh": E3NN_TANH})

    def test_reference_file_constants(self):
        """/model_info of the reference file lists the constants e3nn used (only silu: the
        small model has no odd scalars)."""
        from nequip_export.activations import KNOWN
        with h5py.File(SMALL, "r") as f:
            modules = json.loads(f["model_info"].attrs["modules_json"])
        used = {m["f"]: m["cst"] for m in modules.values() if m.get("type") == "normalize2mom"}
        self.assertEqual(used, {"silu": KNOWN["silu"]})

    @needs_torch
    @needs_shared(GAP20_DIR / "deployed_GAP20.pth")
    def test_constants_baked_into_gap20(self):
        from nequip_export.activations import normalize2mom
        model = torch.jit.load(str(GAP20_DIR / "deployed_GAP20.pth"), map_location="cpu")
        baked = [mod.code_with_constants[1].const_mapping["c0"].item()
                 for _, mod in model.named_modules() if "normalize2mom" in mod.original_name]
        self.assertEqual(len(baked), 24)  # 4 layers x (3 radial-MLP + 1 scalar + 2 gate acts)
        self.assertEqual(set(baked), {normalize2mom("silu")})


class ReferenceH5(ExportCase):
    def test_small_seed0(self):
        out = self.tmp / "small.h5"
        self.export_ok(SMALL, "-o", out)
        with h5py.File(SMALL, "r") as f:
            state = {k: v[()] for k, v in f["model"].items()}
            meta = dict(f["model"].attrs)
        attrs, acts = self.check_weights(out, state, 4, global_scale=state["model.scale_by"])
        config = yaml.safe_load(meta["config_yaml"])
        self.assertEqual(list(attrs["type_names"]), ["Li", "N", "O", "P"])
        self.assertEqual(list(attrs["type_names"]), list(meta["type_names"]))
        expect = {
            "format": "mdgpu-nequip", "format_version": 1, "r_max": 4.3, "num_layers": 2,
            "l_max": 1, "num_features": 16, "num_basis": 8, "invariant_layers": 2,
            "invariant_neurons": 64, "parity": 1, "polynomial_cutoff_p": 6.0,
            "avg_num_neighbors": 30.0, "use_sc": 1, "resnet": 0,
            "nonlinearity_scalars_e": "silu", "nonlinearity_scalars_o": "tanh",
            "nonlinearity_gates_e": "silu", "nonlinearity_gates_o": "tanh",
            "trained_dtype": "float64", "source_kind": "reference-h5",
            "source_file": "small_seed0.h5", "source_sha256": sha256(SMALL),
            "nequip_version": "0.6.2", "exported_by": "tools/export_nequip.py",
            "config_yaml": meta["config_yaml"],
        }
        for key in ("feature_irreps_hidden", "irreps_edge_sh", "chemical_embedding_irreps_out",
                    "conv_to_output_hidden_irreps_out"):
            expect[key] = config[key]
        for key, value in expect.items():
            self.assertEqual(attrs[key], value, key)
            if isinstance(value, int):
                self.assertEqual(attrs[key].dtype, np.int64, key)
            elif isinstance(value, float):
                self.assertEqual(attrs[key].dtype, np.float64, key)
            else:
                self.assertIsInstance(attrs[key], str, key)
        self.assertEqual(attrs["r_max"], meta["r_max"])
        self.assertEqual(attrs["avg_num_neighbors"], meta["avg_num_neighbors"])
        self.assertRegex(attrs["exported_utc"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(acts, {"silu": E3NN_SILU, "tanh": E3NN_TANH})

    def test_without_torch(self):
        """The reference-h5 path needs only h5py + yaml (constants from the table)."""
        out = self.tmp / "small.h5"
        result = export(SMALL, "-o", out, python_prefix=["sys.modules['torch'] = None"])
        self.assertEqual(result.returncode, 0, result.stderr)
        with h5py.File(out, "r") as f:
            self.assertEqual(dict(f["activations"].attrs), {"silu": E3NN_SILU, "tanh": E3NN_TANH})
        abs_model = edited_copy(self.tmp, lambda c: c["nonlinearity_gates"].update(o="abs"))
        result = export(abs_model, "-o", self.tmp / "abs.h5",
                        python_prefix=["sys.modules['torch'] = None"])
        self.assertEqual(result.returncode, 2)
        self.assertIn("torch is needed", result.stderr)

    def test_type_order(self):
        """Without type_names nequip sorts chemical_symbols by Z; chemical_symbol_to_type keeps
        its numbering (which must then agree with the file's own type_names)."""
        def symbols_only(config):
            del config["type_names"]
        out = self.tmp / "types.h5"
        self.export_ok(edited_copy(self.tmp, symbols_only), "-o", out)
        with h5py.File(out, "r") as f:
            self.assertEqual(list(f.attrs["type_names"]), ["Li", "N", "O", "P"])

        def by_mapping(mapping):
            def edit(config):
                del config["type_names"], config["chemical_symbols"]
                config["chemical_symbol_to_type"] = mapping
            return edit
        self.export_ok(edited_copy(self.tmp, by_mapping({"Li": 0, "N": 1, "O": 2, "P": 3}),
                                   name="map.h5"), "-o", self.tmp / "map_out.h5")
        result = export(edited_copy(self.tmp, by_mapping({"P": 0, "O": 1, "N": 2, "Li": 3}),
                                    name="bad_map.h5"), "-o", self.tmp / "bad_out.h5")
        self.assertEqual(result.returncode, 2)
        self.assertIn("type names", result.stderr)

    def test_nequip_05_wrappers(self):
        """nequip 0.5 keys: `model.func.*` under RescaleOutput, `scale_by` at the root."""
        def rename(model):
            for key in list(model):
                new = key.replace("model.model.func.", "model.func.").replace(
                    "model.scale_by", "scale_by").replace("model.shift_by", "shift_by")
                if new != key:
                    model.move(key, new)
        out = self.tmp / "v05.h5"
        self.export_ok(edited_copy(self.tmp, edit_model=rename), "-o", out)
        with h5py.File(SMALL, "r") as f:
            state = {k: v[()] for k, v in f["model"].items()}
        self.check_weights(out, state, 4, global_scale=state["model.scale_by"])

    @needs_shared(SHARED / "reference" / "nequip" / "paper_seed0.h5",
                  SHARED / "reference" / "nequip" / "scalar_seed0.h5")
    def test_shared_paper_and_scalar(self):
        for case, l_max in (("paper", 2), ("scalar", 0)):
            src = SHARED / "reference" / "nequip" / f"{case}_seed0.h5"
            out = self.tmp / f"{case}.h5"
            self.export_ok(src, "-o", out)
            with h5py.File(src, "r") as f:
                state = {k: v[()] for k, v in f["model"].items()}
            attrs, _ = self.check_weights(out, state, 4, global_scale=state["model.scale_by"])
            self.assertEqual((attrs["num_layers"], attrs["l_max"], attrs["num_features"]),
                             (6, l_max, 64))


def edited_copy(tmp, edit_config=None, edit_model=None, name="edited.h5"):
    """A copy of small_seed0.h5 with its config (a dict) and/or /model group edited."""
    path = Path(tmp) / name
    shutil.copyfile(SMALL, path)
    with h5py.File(path, "r+") as f:
        if edit_config:
            config = yaml.safe_load(f["model"].attrs["config_yaml"])
            edit_config(config)
            f["model"].attrs["config_yaml"] = yaml.safe_dump(config)
        if edit_model:
            edit_model(f["model"])
    return path


def _set_shift(model):
    del model["model.shift_by"]
    model["model.shift_by"] = np.array([0.5])


class BadInputs(ExportCase):
    def assert_refused(self, source, keyword, *extra):
        out = self.tmp / "out.h5"
        before = set(os.listdir(self.tmp))
        result = export(source, "-o", out, *extra)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertRegex(lines[0], ERROR_LINE)
        self.assertIn(keyword, lines[0])
        self.assertEqual(set(os.listdir(self.tmp)), before, "a file was written")

    def test_truncated_h5(self):
        path = self.tmp / "truncated.h5"
        path.write_bytes(SMALL.read_bytes()[:700_000])
        self.assert_refused(path, "truncated")

    def test_not_a_model(self):
        path = self.tmp / "notes.txt"
        path.write_text("hello\n")
        self.assert_refused(path, "not an HDF5 file")

    def test_config(self):
        cases = [
            ("unknown builder", lambda c: c["model_builders"].append("MyBuilder"), "MyBuilder"),
            ("allegro", lambda c: c["model_builders"].insert(1, "allegro.model.Allegro"),
             "Allegro"),
            ("nonlinearity", lambda c: c["nonlinearity_scalars"].update(e="relu"), "relu"),
            ("radial activation", lambda c: c["nonlinearity_scalars"].update(e="tanh"),
             "radial"),
            ("norm nonlinearity", lambda c: c.update(nonlinearity_type="norm"), "norm"),
            ("no avg_num_neighbors", lambda c: c.pop("avg_num_neighbors"),
             "avg_num_neighbors"),
            ("auto avg_num_neighbors", lambda c: c.update(avg_num_neighbors="auto"),
             "avg_num_neighbors"),
            ("null avg_num_neighbors", lambda c: c.update(avg_num_neighbors=None),
             "avg_num_neighbors"),
            ("resnet", lambda c: c.update(resnet=True), "resnet"),
            ("shapes", lambda c: c.update(invariant_neurons=32), "shape"),
            ("irreps", lambda c: c.update(feature_irreps_hidden="16x0e+16x1o"),
             "feature_irreps_hidden"),
            ("odd scalars", lambda c: c.update(num_layers=3) or c["nonlinearity_scalars"].update(
                o="silu"), "parity"),
            ("type names", lambda c: c.update(type_names=["Li", "N", "O"]), "num_types"),
        ]
        for what, edit, keyword in cases:
            with self.subTest(what):
                self.assert_refused(edited_copy(self.tmp, edit), keyword)
                os.unlink(self.tmp / "edited.h5")

    def test_weights(self):
        cases = [
            ("missing weight",
             lambda m: m.__delitem__("model.model.func.layer1_convnet.conv.linear_2.weight"),
             "missing weight layer1_convnet.conv.linear_2.weight"),
            ("unexpected tensor", lambda m: m.create_dataset(
                "model.model.func.layer1_convnet.conv.linear_2.bias2", data=np.ones(3)),
             "unexpected tensor"),
            ("global shift", _set_shift, "global energy shift"),
        ]
        for what, edit, keyword in cases:
            with self.subTest(what):
                self.assert_refused(edited_copy(self.tmp, edit_model=edit), keyword)
                os.unlink(self.tmp / "edited.h5")

    def test_config_option_only_for_checkpoints(self):
        self.assert_refused(SMALL, "--config", "--config", SMALL)

    def test_overwrite(self):
        out = self.tmp / "out.h5"
        out.write_text("keep me")
        result = export(SMALL, "-o", out)
        self.assertEqual(result.returncode, 2)
        self.assertRegex(result.stderr.strip(), ERROR_LINE)
        self.assertIn("--force", result.stderr)
        self.assertEqual(out.read_text(), "keep me")
        self.export_ok(SMALL, "-o", out, "--force")
        with h5py.File(out, "r") as f:
            self.assertEqual(f.attrs["format"], "mdgpu-nequip")


class RealModels(ExportCase):
    @needs_torch
    @needs_shared(LIBC_DIR / "best_model.pth", LIBC_DIR / "config.yaml")
    def test_libc_checkpoint(self):
        out = self.tmp / "libc.h5"
        self.export_ok(LIBC_DIR / "best_model.pth", "--config", LIBC_DIR / "config.yaml",
                       "-o", out)
        state = torch_state(torch.load(LIBC_DIR / "best_model.pth", map_location="cpu"))
        attrs, acts = self.check_weights(out, state, 3)
        self.assertEqual(list(attrs["type_names"]), ["Li", "B", "C"])
        self.assertEqual((attrs["num_layers"], attrs["l_max"], attrs["parity"],
                          attrs["num_features"], attrs["r_max"]), (3, 2, 0, 32, 4.0))
        self.assertEqual(attrs["feature_irreps_hidden"], "32x0e+32x1e+32x2e")
        self.assertEqual(attrs["trained_dtype"], "float32")
        self.assertEqual(attrs["source_kind"], "checkpoint")
        self.assertEqual(attrs["config_yaml"], (LIBC_DIR / "config.yaml").read_text())
        self.assertIn("ForceConstantOutput", attrs["export_notes"])
        self.assertNotIn("nequip_version", attrs)
        self.assertEqual(acts, {"silu": E3NN_SILU, "tanh": E3NN_TANH})

    @needs_torch
    @needs_shared(GAP20_DIR / "deployed_GAP20.pth")
    def test_gap20_deployed(self):
        out = self.tmp / "gap20.h5"
        self.export_ok(GAP20_DIR / "deployed_GAP20.pth", "-o", out)
        model = torch.jit.load(str(GAP20_DIR / "deployed_GAP20.pth"), map_location="cpu")
        attrs, _ = self.check_weights(out, torch_state(model), 1)
        self.assertEqual(list(attrs["type_names"]), ["C"])
        self.assertEqual((attrs["num_layers"], attrs["parity"], attrs["invariant_layers"],
                          attrs["r_max"]), (4, 0, 3, 4.5))
        self.assertEqual(attrs["irreps_edge_sh"], "1x0e+1x1e+1x2e")
        self.assertEqual(attrs["nequip_version"], "0.5.6")
        self.assertEqual(attrs["trained_dtype"], "float32")
        self.assertEqual(attrs["source_kind"], "deployed")

    def test_shipped_libc(self):
        """The shipped conversion: format attributes, README's sha256 values, and (with torch
        and shared/) the weights against the original checkpoint."""
        readme = (SHIPPED_LIBC.parent / "README.md").read_text()
        self.assertIn(sha256(SHIPPED_LIBC), readme)
        with h5py.File(SHIPPED_LIBC, "r") as f:
            attrs = dict(f.attrs)
        self.assertEqual((attrs["format"], attrs["format_version"]), ("mdgpu-nequip", 1))
        self.assertIn(attrs["source_sha256"], readme)
        self.assertIn("Copyright (c) 2022 hyllios",
                      (SHIPPED_LIBC.parent / "LICENSE").read_text())
        if torch is None or not (LIBC_DIR / "best_model.pth").exists():
            self.skipTest("weights not compared: torch or shared/ checkpoint absent")
        self.assertEqual(attrs["source_sha256"], sha256(LIBC_DIR / "best_model.pth"))
        state = torch_state(torch.load(LIBC_DIR / "best_model.pth", map_location="cpu"))
        self.check_weights(SHIPPED_LIBC, state, 3)


class GAP20TorchScript(unittest.TestCase):
    @needs_torch
    @needs_shared(GAP20_DIR / "deployed_GAP20.pth", GAP20_DIR / "sample_215_GAP20.extxyz")
    def test_reproduces_committed_json(self):
        from ase.io import read
        import run_deployed_nequip as rdn
        ref = json.loads(GAP20_JSON.read_text())
        model, frame = GAP20_DIR / "deployed_GAP20.pth", GAP20_DIR / "sample_215_GAP20.extxyz"
        self.assertEqual(ref["model"]["sha256"], sha256(model))
        self.assertEqual(ref["structure"]["sha256"], sha256(frame))
        atoms = read(frame)
        self.assertEqual(rdn.neighbor_list(atoms, 4.5)[0].shape[1],
                         ref["structure"]["num_edges"])
        for dtype, key, tol in ((torch.float32, "as_deployed", 2e-4),
                                (torch.float64, "float64", 1e-9)):
            got, _, _ = rdn.evaluate(str(model), atoms, dtype)
            for quantity in ("total_energy", "atomic_energies", "forces", "virial", "stress"):
                np.testing.assert_allclose(got[quantity], ref[key][quantity], rtol=tol,
                                           atol=tol, err_msg=f"{key} {quantity}")
        errors = rdn.label_errors(atoms, ref["as_deployed"])
        for name, value in errors.items():
            np.testing.assert_allclose(value, ref["label_errors_as_deployed"][name])
        # Forces are fitted (~0.2 eV/A); the energy was trained with zero weight.
        self.assertLess(errors["force_mae"], 0.3)


if __name__ == "__main__":
    sys.exit(report.run(__name__))
