#!/usr/bin/python3
"""Mean density of an NPT run from mdgpu's thermo.csv: the mass of the structure over volume_A3,
averaged over the second half of the run's time (the first half is equilibration), with the
standard error from block means (npt_vs_eos.mean_and_block_error), and the time series
thinned to every --every-ps for the record.

  density_from_thermo.py STRUCTURE THERMO.csv [--blocks 5] [--every-ps 0.1]
"""
import argparse
import csv
import os
import sys

import numpy as np
from ase.io import read

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from npt_vs_eos import mean_and_block_error  # noqa: E402

AMU_PER_A3_IN_G_PER_CM3 = 1.66053907


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("structure")
    parser.add_argument("thermo")
    parser.add_argument("--blocks", type=int, default=5)
    parser.add_argument("--every-ps", type=float, default=0.1)
    args = parser.parse_args()
    mass = read(args.structure).get_masses().sum()
    with open(args.thermo) as f:
        rows = list(csv.DictReader(f))
    t = np.array([float(r["time_ps"]) for r in rows])
    v = np.array([float(r["volume_A3"]) for r in rows])
    temp = np.array([float(r["temperature_K"]) for r in rows])
    p = np.array([float(r["pressure_bar"]) for r in rows])
    rho = AMU_PER_A3_IN_G_PER_CM3 * mass / v
    print(f"time_ps  T_K  P_bar  volume_A3  density_g_cm3   (every {args.every_ps} ps)")
    next_t = 0.0
    for k in range(len(t)):
        if t[k] + 1e-9 >= next_t:
            print(f"{t[k]:7.3f} {temp[k]:6.1f} {p[k]:9.0f} {v[k]:9.2f} {rho[k]:.4f}")
            next_t += args.every_ps
    half = t >= t[-1] / 2
    mean, err = mean_and_block_error(rho[half], args.blocks)
    print(f"run {t[-1]:.3f} ps ({len(t)} samples); second half {t[half][0]:.3f}-{t[-1]:.3f} ps: "
          f"<rho> = {mean:.4f} +- {err:.4f} g/cm3 ({args.blocks} blocks), <V> = {v[half].mean():.2f} A^3, "
          f"<T> = {temp[half].mean():.1f} K, <P> = {p[half].mean():.0f} bar")


if __name__ == "__main__":
    main()
