#!/usr/bin/python3
"""NPT against the equation of state from NVT runs (statistical mechanics, no other program).

    /usr/bin/python3 tools/npt_vs_eos.py path/to/mdgpu [--keep DIR] [--production-ps 50]
                                         [--barostat mtk|c-rescale]

500 LJ argon atoms (tests/data/lammps/lj_ortho_initial.extxyz, 8.5 A shifted cut-off) at 100 K:
an NPT run at 500 bar (iso, tdamp 0.2 ps, 2 fs; MTK with pdamp 1 ps, or stochastic cell
rescaling with tau_p 1 ps and compressibility 1.2e-4 1/bar) gives <V> and, from its volume
fluctuations, the isothermal compressibility <dV^2>/(kT <V>). Then NVT runs (Nose-Hoover chain,
same tdamp) at five volumes around <V>, started from the NPT run's last frame scaled uniformly,
give <P>(V); a weighted quadratic through them gives the volume V* at which <P> = 500 bar
and the compressibility -1/V* dV/dP. The two ensembles must agree: <V>_NPT = V* and the two
compressibilities, each within its error (block errors over 10 blocks; the NPT fluctuation
estimate is the rougher one). A few minutes on two quiet cores.
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np
from ase.io import read, write

HERE = os.path.dirname(os.path.abspath(__file__))
STRUCTURE = os.path.join(os.path.dirname(HERE), "tests", "data", "lammps", "lj_ortho_initial.extxyz")
KB, BAR_PER_EV_PER_A3 = 8.617333262e-5, 1.602176634e6
T, P = 100.0, 500.0
POTENTIAL = """[potential]
kind = "lj"
cutoff = 8.5
shift = true
pairs = [ { species = ["Ar", "Ar"], epsilon = 0.0104, sigma = 3.40 } ]
"""


def run(mdgpu, work, name, structure, stages):
    toml = os.path.join(work, f"{name}.toml")
    with open(toml, "w") as f:
        f.write(f'[system]\nstructure = "{structure}"\n'
                f'velocities = {{ temperature = {T}, seed = 1 }}\n{POTENTIAL}{stages}'
                f'[output]\ndirectory = "{name}"\nthermo = {{ every = 50 }}\n'
                f'trajectory = {{ path = "last.extxyz", every = 1000000000 }}\n'
                f'checkpoint = {{ every = 1000000000 }}\n')
    subprocess.run([mdgpu, "run", "-q", "--overwrite", toml], cwd=work, check=True)
    with open(os.path.join(work, name, "thermo.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    return rows, os.path.join(work, name, "last.extxyz")


def production(rows, stage):
    return rows if stage is None else [r for r in rows if r["stage"] == stage]


def mean_and_block_error(x, blocks=10):
    x = np.asarray(x, dtype=float)
    means = [b.mean() for b in np.array_split(x, blocks)]
    return x.mean(), np.std(means, ddof=1) / np.sqrt(blocks)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mdgpu")
    ap.add_argument("--keep", help="run in this directory and keep its files")
    ap.add_argument("--production-ps", type=float, default=50.0)
    ap.add_argument("--barostat", choices=["mtk", "c-rescale"], default="mtk")
    args = ap.parse_args()
    mdgpu = os.path.abspath(args.mdgpu)
    work = args.keep or tempfile.mkdtemp(prefix="mdgpu_npt_eos_")
    os.makedirs(work, exist_ok=True)
    length = args.production_ps

    barostat = (f'{{ pressure = {P}, pdamp_ps = 1.0 }}' if args.barostat == "mtk" else
                f'{{ kind = "c-rescale", pressure = {P}, tau_p_ps = 1.0, compressibility = 1.2e-4 }}')
    npt = (f'[[stage]]\nname = "settle"\nensemble = "npt"\ntemperature = {T}\ntdamp_ps = 0.2\n'
           f'timestep_fs = 2.0\nduration_ps = 20.0\nbarostat = {barostat}\n'
           f'[[stage]]\nname = "average"\nensemble = "npt"\ntemperature = {T}\ntdamp_ps = 0.2\n'
           f'timestep_fs = 2.0\nduration_ps = {2 * length}\nbarostat = {barostat}\n')
    rows, last = run(mdgpu, work, "npt", STRUCTURE, npt)
    volumes = [float(r["volume_A3"]) for r in production(rows, "average")]
    v_npt, v_npt_err = mean_and_block_error(volumes)
    # <dV^2> about the whole run's mean, its error from 10 blocks of (V - <V>)^2: a variance taken
    # within each block about its own mean would miss the fluctuations slower than a block (the
    # overdamped c-rescale volume keeps a correlation over ~5 ps; 10 ps blocks lost 25 % of it).
    squares = (np.asarray(volumes) - v_npt) ** 2 / (KB * T * v_npt) / BAR_PER_EV_PER_A3
    kappa_npt, kappa_npt_err = mean_and_block_error(squares)
    print(f"NPT ({args.barostat}) {P} bar, {2 * length} ps: <V> = {v_npt:.1f} +- {v_npt_err:.1f} A^3, "
          f"kappa_T = {kappa_npt:.4g} +- {kappa_npt_err:.2g} 1/bar (volume fluctuations)")

    start = read(last)
    points = []
    for s in (-0.02, -0.01, 0.0, 0.01, 0.02):
        target = v_npt * (1 + s)
        frame = start.copy()
        frame.set_cell(frame.cell * (target / frame.get_volume()) ** (1 / 3), scale_atoms=True)
        source = os.path.join(work, f"nvt_{s:+.2f}.extxyz")
        write(source, frame, format="extxyz")
        nvt = (f'[[stage]]\nname = "settle"\nensemble = "nvt"\ntemperature = {T}\ntdamp_ps = 0.2\n'
               f'timestep_fs = 2.0\nduration_ps = 10.0\n'
               f'[[stage]]\nname = "average"\nensemble = "nvt"\ntemperature = {T}\ntdamp_ps = 0.2\n'
               f'timestep_fs = 2.0\nduration_ps = {length}\n')
        rows, _ = run(mdgpu, work, f"nvt_{s:+.2f}", source, nvt)
        p, p_err = mean_and_block_error([float(r["pressure_bar"]) for r in production(rows, "average")])
        points.append((target, p, p_err))
        print(f"NVT V = {target:.1f} A^3: <P> = {p:.2f} +- {p_err:.2f} bar")

    v, p, err = (np.array(c) for c in zip(*points))
    # Weighted quadratic P = c0 + c1 x + c2 x^2, x = V - <V>_NPT: P(V) is convex, and a straight
    # line through points on both sides would sit above the curve in the middle (by ~10 bar here,
    # ~30 A^3 of V*). V* is its root at P, kappa = -1 / (V* P'(V*)); their errors from the fit's
    # covariance by finite differences.
    x = v - v_npt
    w = 1 / err**2
    design = np.vstack([np.ones_like(x), x, x**2]).T
    cov = np.linalg.inv(design.T @ (w[:, None] * design))
    coef = cov @ design.T @ (w * p)
    chi2 = float(np.sum(w * (p - design @ coef) ** 2))

    def root_and_kappa(c):
        roots = np.roots([c[2], c[1], c[0] - P])
        real = roots[np.isreal(roots)].real
        xs = real[np.argmin(np.abs(real))]
        return v_npt + xs, -1 / ((v_npt + xs) * (c[1] + 2 * c[2] * xs))

    v_star, kappa_eos = root_and_kappa(coef)
    jac = np.zeros((2, 3))
    for k in range(3):
        h = 1e-6 * max(abs(coef[k]), 1e-12)
        up, down = coef.copy(), coef.copy()
        up[k] += h
        down[k] -= h
        jac[:, k] = (np.array(root_and_kappa(up)) - np.array(root_and_kappa(down))) / (2 * h)
    v_star_err, kappa_eos_err = np.sqrt(np.diag(jac @ cov @ jac.T))
    print(f"EOS (quadratic through 5 NVT points, chi2 = {chi2:.2f} for 2 degrees of freedom): "
          f"<P> = {P} bar at V* = {v_star:.1f} +- {v_star_err:.1f} A^3, "
          f"kappa_T = {kappa_eos:.4g} +- {kappa_eos_err:.2g} 1/bar")
    dv = (v_npt - v_star) / np.hypot(v_npt_err, v_star_err)
    dk = (kappa_npt - kappa_eos) / np.hypot(kappa_npt_err, kappa_eos_err)
    print(f"<V>_NPT - V* = {v_npt - v_star:+.1f} A^3 ({dv:+.1f} sigma); "
          f"kappa_NPT - kappa_EOS = {kappa_npt - kappa_eos:+.3g} 1/bar ({dk:+.1f} sigma)")
    sys.exit(0 if abs(dv) < 4 and abs(dk) < 4 else 1)


if __name__ == "__main__":
    main()
