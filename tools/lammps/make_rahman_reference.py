#!/usr/bin/python3
"""Regenerate tests/data/lammps/rahman_argon.lammpstrj.gz: Rahman's liquid argon run by LAMMPS.

    /usr/bin/python3 tools/lammps/make_rahman_reference.py [--keep DIR] [--seed N]

864 Lennard-Jones argon atoms at 94.4 K and 1.374 g/cm3 (rahman_argon.in): 40 ps of production
dumped every 0.2 ps as `id element xu yu zu` (4 decimals), with ITEM: TIME and ITEM: UNITS, then
gzip-compressed (about 2.5 MB). mdgpu's tests read it as a user would (`mdgpu analyze msd` with
default options) and hand the same frames to pymatgen's DiffusionAnalyzer. Serial LAMMPS and a
fixed velocity seed make the run reproducible on one machine.
"""

import argparse
import gzip
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_reference as mr  # noqa: E402  (LAMMPS runner, version)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lmp", default=shutil.which("lmp") or "/usr/bin/lmp")
    ap.add_argument("--keep", help="keep LAMMPS work files in this directory")
    ap.add_argument("--seed", type=int, default=20261202)
    args = ap.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix="mdgpu_lammps_rahman_")
    os.makedirs(work, exist_ok=True)
    dump, log = os.path.join(work, "rahman.lammpstrj"), os.path.join(work, "run.log")
    wall = mr.run_lmp(args.lmp, "rahman_argon.in", work, dict(seed=args.seed, dump=dump), log)
    out = os.path.join(mr.OUTDIR, "rahman_argon.lammpstrj.gz")
    with open(dump, "rb") as src, gzip.GzipFile(out, "wb", mtime=0) as dst:
        shutil.copyfileobj(src, dst)
    (header, rows), = mr.parse_thermo(log)[-1:]
    temps = [float(r[header.index("Temp")]) for r in rows]
    info = {"lammps": mr.lammps_version(args.lmp), "seed": args.seed, "wall_s": round(wall, 1),
            "production_ps": 40.0, "frame_interval_ps": 0.2, "atoms": 864,
            "mean_temperature_K": sum(temps) / len(temps)}
    with open(os.path.join(mr.OUTDIR, "rahman_argon_info.json"), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")
    print(f"{out}: {os.path.getsize(out) / 1e6:.2f} MB, LAMMPS {wall:.0f} s, mean T "
          f"{info['mean_temperature_K']:.2f} K")


if __name__ == "__main__":
    main()
