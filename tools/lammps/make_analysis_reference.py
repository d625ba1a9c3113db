#!/usr/bin/python3
"""Regenerate the LAMMPS reference for mdgpu's MSD and RDF (tests/data/lammps/lj_analysis_*).

    /usr/bin/python3 tools/lammps/make_analysis_reference.py [--keep DIR]

The lj_triclinic argon of make_reference.py (400 atoms, triclinic cell) melts under
Nose-Hoover at 100 K, then LAMMPS writes every 1 ps for 20 ps: the frames (positions as
LAMMPS holds them plus image flags), `compute msd` (one origin: the first frame) and
`compute rdf` (100 bins to 8.5 A). Deterministic (serial LAMMPS, seeded structure).
"""

import json
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_reference as mr  # noqa: E402  (structures, data files, running and parsing LAMMPS)

NAME = "lj_triclinic"
NEQ = 5000     # steps of 2 fs: 10 ps to melt
NPROD = 10000  # 20 ps
EVERY = 500    # 1 ps between frames
DIGITS = 12    # significant digits of the positions in the extxyz (1e-11 A at 30 A)


def parse_rdf(path):
    """{step: array (bins, 4)} with columns bin, r, g, coord from fix ave/time mode vector."""
    frames = {}
    with open(path) as f:
        lines = [l for l in f.read().splitlines() if not l.startswith("#")]
    i = 0
    while i < len(lines):
        step, rows = (int(x) for x in lines[i].split())
        frames[step] = np.array([[float(x) for x in lines[i + 1 + k].split()] for k in range(rows)])
        i += 1 + rows
    return frames


def main():
    args, work = mr.lammps_args(__doc__, "mdgpu_lammps_analysis_")

    spec = mr.SYSTEMS[NAME]
    st = mr.make_structure(NAME, spec["cell"], spec["seed"])
    data = os.path.join(work, f"{NAME}.data")
    mr.write_lammps_data(data, NAME, st)
    dump, rdf, log = (os.path.join(work, f) for f in ("frames.dump", "rdf.txt", "run.log"))
    wall = mr.run_lmp(args.lmp, "msd_rdf.in", work,
                      dict(data=data, neq=NEQ, nprod=NPROD, every=EVERY, dump=dump, rdf=rdf), log)

    frames = mr.parse_dump(dump)
    steps = sorted(frames)
    assert steps == list(range(0, NPROD + 1, EVERY)), steps
    H = st["H"]
    lattice = " ".join(mr.fmt(x) for x in H.reshape(-1))
    out = os.path.join(mr.OUTDIR, "lj_analysis_frames.extxyz")
    with open(out, "w") as f:
        for step in steps:
            f.write(f"{st['n']}\n")
            f.write(f'Lattice="{lattice}" Properties=species:S:1:pos:R:3:image:I:3 '
                    f'step={step} time={step * mr.DT!r} pbc="T T T"\n')
            for r in frames[step]:
                pos = " ".join(f"{float(x):.{DIGITS}g}" for x in r[1:4])
                f.write(f"Ar {pos} {r[7]} {r[8]} {r[9]}\n")

    (header, rows), = mr.parse_thermo(log)[-1:]
    assert header == ["Step", "Temp", "c_msd[1]", "c_msd[2]", "c_msd[3]", "c_msd[4]"], header
    with open(os.path.join(mr.OUTDIR, "lj_analysis_msd.csv"), "w") as f:
        f.write("step,time_ps,msd_x_A2,msd_y_A2,msd_z_A2,msd_total_A2\n")
        for r in rows:
            f.write(f"{int(r[0])},{r[0] * mr.DT!r},{r[2]!r},{r[3]!r},{r[4]!r},{r[5]!r}\n")

    # compute rdf gives g and the running coordination per frame; the reference is their mean
    # over the frames (the same volume and atoms in every frame).
    g = parse_rdf(rdf)
    assert sorted(g) == steps, sorted(g)
    mean = np.mean([g[s] for s in steps], axis=0)
    with open(os.path.join(mr.OUTDIR, "lj_analysis_rdf.csv"), "w") as f:
        f.write("r_A,g,coordination\n")
        for row in mean:
            f.write(f"{row[1]!r},{row[2]!r},{row[3]!r}\n")

    info = dict(lammps_version=mr.lammps_version(args.lmp), structure=NAME, n_atoms=st["n"],
                cell_rows_A=H.tolist(), timestep_ps=mr.DT, equilibration_steps=NEQ,
                production_steps=NPROD, frame_every_steps=EVERY, position_digits=DIGITS,
                mean_temperature_K=float(rows[:, 1].mean()),
                fix="fix nh all nvt temp 100.0 100.0 0.2 tchain 3",
                msd="compute msd all msd (origin: first frame, no com correction)",
                rdf="compute rdf all rdf 100 (to the 8.5 A pair cut-off), mean over frames",
                wall_s=round(wall, 1))
    with open(os.path.join(mr.OUTDIR, "lj_analysis_info.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    print(json.dumps(info, indent=2))
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
