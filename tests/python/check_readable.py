"""Whether the outputs a run left (possibly killed) open in other people's readers.

Usage: /usr/bin/python3 check_readable.py DIR MIN_FRAMES

Reads DIR/traj.nc with netCDF4 (every frame's coordinates), DIR/traj.extxyz with ASE and
DIR/traj.lammpstrj with ASE's LAMMPS dump reader. A killed writer may leave its last text frame
cut short: whole frames are counted up to it. Prints the frame counts; exits non-zero when a
file cannot be read or holds fewer than MIN_FRAMES whole frames.
"""
import sys

import netCDF4
import numpy as np
from ase.io import iread


def text_frames(path, fmt):
    count = 0
    try:
        for atoms in iread(path, index=":", format=fmt):
            if not np.all(np.isfinite(atoms.positions)):
                raise ValueError("non-finite positions")
            count += 1
    except Exception as e:  # a cut last frame; whole frames before it are what counts
        print(f"{path}: stops after {count} whole frames ({type(e).__name__})")
    return count


def main():
    folder, minimum = sys.argv[1], int(sys.argv[2])
    counts = {}
    with netCDF4.Dataset(f"{folder}/traj.nc") as ds:
        coordinates = ds.variables["coordinates"][:]
        if not np.all(np.isfinite(coordinates)):
            print("traj.nc: non-finite coordinates")
            return 1
        counts["traj.nc"] = coordinates.shape[0]
    counts["traj.extxyz"] = text_frames(f"{folder}/traj.extxyz", "extxyz")
    counts["traj.lammpstrj"] = text_frames(f"{folder}/traj.lammpstrj", "lammps-dump-text")
    print(" ".join(f"{name}={n}" for name, n in counts.items()))
    return 0 if min(counts.values()) >= minimum else 1


if __name__ == "__main__":
    sys.exit(main())
