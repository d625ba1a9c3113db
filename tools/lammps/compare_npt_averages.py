#!/usr/bin/python3
"""mdgpu's NPT averages against LAMMPS fix npt over a long run (too long for ctest).

    /usr/bin/python3 tools/lammps/compare_npt_averages.py path/to/mdgpu [--keep DIR]

Runs the iso NPT of tests/data/lammps/lj_ortho_npt_iso_averages.json (made by
make_npt_reference.py: 500 argon atoms, 100 K, 500 bar, 100 ps) with mdgpu, with LAMMPS's kB and
nktv2p folded into the targets, and prints each average (the first 10 ps dropped, block errors of
10 ps), its difference from LAMMPS in combined standard errors, the conserved-quantity drift per
atom per ps and the isothermal compressibility from the volume fluctuations. Exits 1 when an
average differs by more than 4 combined standard errors. About a minute on two cores.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(os.path.dirname(HERE)), "tests", "data", "lammps")
KB, NKTV2P = 8.617333262e-5, 1.602176634e6          # CODATA 2018 (mdgpu)
KB_LAMMPS, NKTV2P_LAMMPS = 8.617343e-5, 1.6021765e6  # LAMMPS 29Sep2021 metal units


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mdgpu")
    ap.add_argument("--keep", help="run in this directory and keep its files")
    args = ap.parse_args()
    ref = json.load(open(os.path.join(DATA, "lj_ortho_npt_iso_averages.json")))
    work = args.keep or tempfile.mkdtemp(prefix="mdgpu_npt_avg_")
    os.makedirs(work, exist_ok=True)
    temperature = ref["temperature_K"] * KB_LAMMPS / KB
    pressure = ref["pressure_bar"] * NKTV2P / NKTV2P_LAMMPS
    with open(os.path.join(work, "npt.toml"), "w") as f:
        f.write(f"""[system]
structure = "{os.path.join(DATA, 'lj_ortho_initial.extxyz')}"
velocities = "file"
[potential]
kind = "lj"
cutoff = 8.5
shift = true
pairs = [{{ species = ["Ar", "Ar"], epsilon = 0.0104, sigma = 3.40 }}]
[[stage]]
name = "npt"
ensemble = "npt"
temperature = {temperature!r}
tdamp_ps = {ref['tdamp_ps']!r}
timestep_ps = {ref['timestep_ps']!r}
steps = {ref['steps']}
barostat = {{ coupling = "iso", pressure = {pressure!r}, pdamp_ps = {ref['pdamp_ps']!r} }}
[output]
overwrite = true
progress_every_s = 0
thermo = {{ path = "thermo.csv", every = {ref['every']} }}
""")
    subprocess.run([os.path.abspath(args.mdgpu), "run", "npt.toml"], cwd=work, check=True)
    rows = list(csv.DictReader(open(os.path.join(work, "thermo.csv"))))
    step = np.array([int(r["step"]) for r in rows])
    col = {k: np.array([float(r[k]) for r in rows]) for k in
           ("volume_A3", "pressure_bar", "total_eV", "potential_eV", "conserved_eV")}
    keep = step >= ref["skipped_steps"]
    v = col["volume_A3"][keep]
    ours = {"volume_A3": v, "press_bar": col["pressure_bar"][keep],
            "enthalpy_eV": col["total_eV"][keep] + ref["pressure_bar"] * v / NKTV2P_LAMMPS,
            "pe_eV": col["potential_eV"][keep]}
    block = ref["block_steps"] // ref["every"]
    worst = 0.0
    for key, x in ours.items():
        nb = len(x) // block
        err = x[: nb * block].reshape(nb, block).mean(axis=1).std(ddof=1) / np.sqrt(nb)
        r = ref[key]
        z = (x.mean() - r["mean"]) / np.hypot(err, r["stderr"])
        worst = max(worst, abs(z))
        print(f"{key:12s} mdgpu {x.mean():.6g} ± {err:.2g}   LAMMPS {r['mean']:.6g} ± {r['stderr']:.2g}"
              f"   ({z:+.2f} sigma)")
    natoms = int(open(os.path.join(DATA, "lj_ortho_initial.extxyz")).readline())
    drift = np.polyfit(step * ref["timestep_ps"], col["conserved_eV"], 1)[0] / natoms
    print(f"conserved-quantity drift: mdgpu {drift:.2g} eV/atom/ps, LAMMPS econserve "
          f"{ref['econserve_drift_eV_per_atom_per_ps']:.2g} (its iso chain bookkeeping, docs/npt.md)")
    kappa = v.var() / (KB * temperature * v.mean()) / NKTV2P
    print(f"isothermal compressibility from <dV^2>/(kT <V>): {kappa:.3g} 1/bar")
    sys.exit(0 if worst < 4.0 else 1)


if __name__ == "__main__":
    main()
