#!/usr/bin/python3
"""Regenerate the LAMMPS NPT reference for mdgpu's MTK barostat (tests/data/lammps/lj_*_npt_*).

    /usr/bin/python3 tools/lammps/make_npt_reference.py [--keep DIR] [--lmp PATH]

The argon of make_reference.py (same structures and velocities), shifted LJ, 2 fs steps, under
LAMMPS's `fix npt` (tools/lammps/npt.in: Nose-Hoover chains of 3 on the particles, tdamp 0.2 ps,
and on the cell, target 100 K and 500 bar):

- step-by-step runs, thermo every step: iso and aniso on lj_ortho, tri on lj_triclinic
  (`<name>_npt_<couple>_thermo.csv`);
- a long iso run on lj_ortho for averages with block errors (`lj_ortho_npt_iso_averages.json`).

The LAMMPS mass is the "codatamass" one (make_reference.py): the dynamics mdgpu integrates with
CODATA constants. Temperature and pressure targets stay as LAMMPS reads them; the test converts
its own targets (kB and nktv2p differ by 1e-6 and 8e-8, README.md). Deterministic (serial).
"""

import json
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_reference as mr  # noqa: E402  (structures, data files, running and parsing LAMMPS)

PRESS = 500.0  # bar (liquid: argon's vapour pressure at 100 K is ~32 bar)
PDAMP = 1.0  # ps (500 steps)
STEPS = 200
RUNS = [("lj_ortho", "iso"), ("lj_ortho", "aniso"), ("lj_triclinic", "tri")]
LONG_STEPS = 50000  # 100 ps
LONG_SKIP = 5000    # first 10 ps dropped (volume relaxing from the start's -1700 bar)
LONG_EVERY = 10
LONG_BLOCK = 500    # rows (5000 steps, 10 ps) per block

COLUMNS = {"Step": "step", "PotEng": "pe_eV", "KinEng": "ke_eV", "TotEng": "etotal_eV",
           "Press": "press_bar", "Volume": "vol_A3", "Lx": "lx", "Ly": "ly", "Lz": "lz",
           "Xy": "xy", "Xz": "xz", "Yz": "yz", "Pxx": "pxx", "Pyy": "pyy", "Pzz": "pzz",
           "Pxy": "pxy", "Pxz": "pxz", "Pyz": "pyz", "f_nh": "fix_nh_eV",
           "Econserve": "econserve_eV"}


def run(lmp, work, name, couple, steps, every):
    st = mr.make_structure(name, mr.SYSTEMS[name]["cell"], mr.SYSTEMS[name]["seed"])
    data = os.path.join(work, f"{name}_codatamass.data")
    mr.write_lammps_data(data, name, st, mass=mr.MASS_AR * mr.MVV2E_CODATA / mr.MVV2E_LAMMPS)
    log = os.path.join(work, f"{name}_{couple}_{steps}.log")
    mr.run_lmp(lmp, "npt.in", work, dict(data=data, couple=couple, press=PRESS, pdamp=PDAMP,
                                         nsteps=steps, every=every), log)
    header, rows = mr.parse_thermo(log)[0]
    return header, rows


def main():
    args, work = mr.lammps_args(__doc__, "mdgpu_npt_")
    for name, couple in RUNS:
        header, rows = run(args.lmp, work, name, couple, STEPS, 1)
        with open(os.path.join(mr.OUTDIR, f"{name}_npt_{couple}_thermo.csv"), "w") as f:
            f.write(",".join(COLUMNS[h] for h in header) + "\n")
            for r in rows:
                f.write(",".join([str(int(r[0]))] + [mr.fmt(x) for x in r[1:]]) + "\n")

    header, rows = run(args.lmp, work, "lj_ortho", "iso", LONG_STEPS, LONG_EVERY)
    col = {h: rows[LONG_SKIP // LONG_EVERY:, k] for k, h in enumerate(header)}
    n = 500
    enthalpy = col["TotEng"] + PRESS * col["Volume"] / mr.NKTV2P_LAMMPS
    drift = np.polyfit(rows[:, 0] * mr.DT, rows[:, -1], 1)[0] / n
    out = {"lammps": mr.lammps_version(args.lmp), "system": "lj_ortho", "couple": "iso",
           "temperature_K": 100.0, "pressure_bar": PRESS, "tdamp_ps": 0.2, "pdamp_ps": PDAMP,
           "tchain": 3, "pchain": 3, "timestep_ps": mr.DT, "steps": LONG_STEPS,
           "skipped_steps": LONG_SKIP, "every": LONG_EVERY, "block_steps": LONG_BLOCK * LONG_EVERY,
           "econserve_drift_eV_per_atom_per_ps": float(drift)}
    for key, x in (("volume_A3", col["Volume"]), ("press_bar", col["Press"]),
                   ("enthalpy_eV", enthalpy), ("pe_eV", col["PotEng"])):
        err, _ = mr.block_stats(x, LONG_BLOCK)
        out[key] = {"mean": float(x.mean()), "stderr": err}
    with open(os.path.join(mr.OUTDIR, "lj_ortho_npt_iso_averages.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
