"""The real GAP-20 carbon NequIP model (nequip 0.5.6 TorchScript archive, no licence, so read from
shared/real and never copied): export it with tools/export_nequip.py, evaluate its DFT frame with
`mdgpu eval`, and compare with the archive's own TorchScript output committed in
tests/data/nequip/gap20_sample215_torchscript.json. Usage: test_gap20_eval.py MDGPU_BINARY."""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL_DIR = os.path.join(ROOT, "..", "shared", "real", "nequip_models", "ltau-ff_GAP20_carbon")
ARCHIVE = os.path.join(MODEL_DIR, "deployed_GAP20.pth")
FRAME = os.path.join(MODEL_DIR, "sample_215_GAP20.extxyz")


def skip(reason):
    print(f"SKIPPED: {reason}")
    sys.exit(0)


def main(binary):
    if not os.path.exists(ARCHIVE):
        skip(f"{ARCHIVE} not present (the model has no licence and is not shipped)")
    try:
        import torch  # noqa: F401  (the exporter needs it for TorchScript archives)
        from ase.io import read
    except ImportError as e:
        skip(f"python module missing: {e}")
    with open(os.path.join(ROOT, "tests", "data", "nequip", "gap20_sample215_torchscript.json")) as f:
        ref = json.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "gap20.mdgpu.h5")
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "export_nequip.py"), ARCHIVE, "-o", model],
                       check=True)
        results = {}
        for precision in ("float64", "float32"):
            out = os.path.join(tmp, f"pred_{precision}.extxyz")
            run = subprocess.run([binary, "eval", "--model", model, "--precision", precision, FRAME, "-o", out],
                                 check=True, capture_output=True, text=True)
            print(run.stdout, end="")
            atoms = read(out)
            results[precision] = (atoms.info["energy"], atoms.get_forces(), atoms.arrays["energies"],
                                  np.array(atoms.info["stress"]).reshape(3, 3))
    f64, dep = ref["float64"], ref["as_deployed"]
    f64_forces, dep_forces = np.array(f64["forces"]), np.array(dep["forces"])
    gap_e = abs(dep["total_energy"] - f64["total_energy"])  # the archive's own float32 error
    gap_f = np.abs(dep_forces - f64_forces).max()
    # mdgpu float64 against the archive's weights evaluated in float64 by torch. They agree to
    # ~1e-8 relative, not to the 1e-13 of the nequip 0.6.2 reference files: a residual of this
    # 0.5.6 archive we have not traced (noted in the issue); asserted far below float32 noise.
    e, forces, _, stress = results["float64"]
    assert abs(e - f64["total_energy"]) <= 0.01 * gap_e, (e, f64["total_energy"], gap_e)
    assert np.abs(forces - f64_forces).max() <= 0.01 * gap_f, np.abs(forces - f64_forces).max()
    # mdgpu float32 within 3x the archive's own float32 error.
    e32, forces32, _, _ = results["float32"]
    assert abs(e32 - f64["total_energy"]) <= 3 * gap_e, (e32, gap_e)
    assert np.abs(forces32 - f64_forces).max() <= 3 * gap_f
    print(f"GAP20: float64 |dE| {abs(e - f64['total_energy']):.1e} eV, max |dF| "
          f"{np.abs(forces - f64_forces).max():.1e} eV/A; float32 |dE| {abs(e32 - f64['total_energy']):.1e}, "
          f"|dF| {np.abs(forces32 - f64_forces).max():.1e} (TorchScript float32: {gap_e:.1e}, {gap_f:.1e})")
    print("PASS")


if __name__ == "__main__":
    main(sys.argv[1])
