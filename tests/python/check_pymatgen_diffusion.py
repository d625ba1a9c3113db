"""pymatgen's DiffusionAnalyzer and `mdgpu analyze msd` on the same LAMMPS trajectory of Rahman's
argon (tests/data/lammps/rahman_argon.lammpstrj.gz): the two D must agree within the total error
mdgpu reports. pymatgen fits its own way (every lag from 1 ps on, weighted by 1/t), so agreement
within that error says the error covers the choice of method too.

Usage: .venv/bin/python check_pymatgen_diffusion.py MDGPU_BINARY
Prints SKIPPED: (exit 0) when pymatgen's diffusion add-on is not installed.
"""
import csv
import gzip
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    from pymatgen.analysis.diffusion.analyzer import DiffusionAnalyzer
    from pymatgen.core import Lattice, Structure
except ImportError as e:
    print(f"SKIPPED: {e} (tools/install_debian_deps.sh installs tools/requirements.txt in .venv)")
    sys.exit(0)

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "lammps",
                    "rahman_argon.lammpstrj.gz")


def read_dump(path):
    """Frames of `id element xu yu zu` (sorted by id) and the orthogonal box lengths."""
    frames, lengths = [], None
    with gzip.open(path, "rt") as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("ITEM: NUMBER OF ATOMS"):
            n = int(lines[i + 1])
        elif lines[i].startswith("ITEM: BOX BOUNDS"):
            lengths = [float(lines[i + 1 + k].split()[1]) - float(lines[i + 1 + k].split()[0])
                       for k in range(3)]
        elif lines[i].startswith("ITEM: ATOMS"):
            rows = [l.split() for l in lines[i + 1:i + 1 + n]]
            frames.append(np.array([[float(x) for x in r[2:5]] for r in rows]))
            i += n
        i += 1
    return np.array(frames), lengths


def main():
    positions, lengths = read_dump(DATA)
    # DiffusionAnalyzer subtracts the mean displacement of the non-diffusing atoms and needs at
    # least one: a still Xe at the origin, which changes nothing (the liquid's momentum is zero).
    n = positions.shape[1]
    structure = Structure(Lattice.from_parameters(*lengths, 90, 90, 90), ["Ar"] * n + ["Xe"],
                          np.vstack([positions[0], [0.0, 0.0, 0.0]]), coords_are_cartesian=True)
    # Displacements from the first frame, [atom, frame, axis] (unwrapped positions).
    displacements = np.transpose(positions - positions[0], (1, 0, 2))
    displacements = np.concatenate([displacements, np.zeros((1,) + displacements.shape[1:])])
    pmg = DiffusionAnalyzer(structure, displacements, "Ar", 94.4, time_step=10, step_skip=20)
    with tempfile.TemporaryDirectory() as work:
        run = subprocess.run([os.path.abspath(sys.argv[1]), "analyze", "msd", DATA], cwd=work, capture_output=True,
                             text=True)
        if run.returncode != 0:
            print(run.stderr)
            return 1
        with open(os.path.join(work, "msd_D.csv")) as f:
            row = next(r for r in csv.DictReader(f) if r["component"] == "total")
    D, err = float(row["D_cm2_per_s"]), float(row["D_total_err_cm2_per_s"])
    print(f"mdgpu D = {D:.4e} ± {err:.2e} cm²/s; pymatgen DiffusionAnalyzer D = "
          f"{pmg.diffusivity:.4e} ± {pmg.diffusivity_std_dev:.1e} cm²/s "
          f"({(pmg.diffusivity - D) / err:+.2f} mdgpu errors)")
    if abs(pmg.diffusivity - D) > err:
        print("FAILED: pymatgen's D lies outside mdgpu's reported error")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
