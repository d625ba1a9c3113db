#!/usr/bin/python3
"""A committee's force deviation, from an extxyz file written by
`mdgpu eval --model A.h5 --model B.h5 ... FRAMES -o EVAL.extxyz`.

  plot_committee.py EVAL.extxyz [-o PREFIX] [--frames]

Each frame carries the committee's mean `forces` (eV/A) and the per-atom deviation `force_dev`
(sigma_i, eV/A). Writes PREFIX_deviation.png: sigma_i against the atom's true error
|F_i - F_i^ref| (log-log, coloured by species; the frames need the labels `ref_forces`), the RMS
error in bins of equal count over sigma, and the line error = sigma. A committee that knows when
it is wrong puts its points along a rising band (docs/committee.md). With --frames, instead
PREFIX_frames.png: the distribution of sigma_i in each frame (named by its config_type), for
comparing configurations without labels.
"""
import argparse
import os
import sys

import matplotlib
import numpy as np
from ase.io import read

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot_parity import _value  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def deviation_and_error(frames):
    """Per-atom sigma, |dF| (eV/A) and species over all frames."""
    sigma, error, species = [], [], []
    for atoms in frames:
        forces = _value(atoms, "forces", per_atom=True)
        if forces is None or "ref_forces" not in atoms.arrays or "force_dev" not in atoms.arrays:
            raise SystemExit("plot_committee.py: every frame needs forces, ref_forces and force_dev "
                             "(mdgpu eval with several --model on labelled frames)")
        sigma.append(np.asarray(atoms.arrays["force_dev"], dtype=float).ravel())
        error.append(np.linalg.norm(forces - atoms.arrays["ref_forces"], axis=1))
        species.extend(atoms.get_chemical_symbols())
    return np.concatenate(sigma), np.concatenate(error), np.array(species)


def binned_rms(sigma, error, bins):
    order = np.argsort(sigma)
    chunks = np.array_split(order, min(bins, len(order)))
    return (np.array([sigma[c].mean() for c in chunks]), np.array([np.sqrt(np.mean(error[c] ** 2)) for c in chunks]))


def plot_frames(frames, out):
    """Box plot of sigma_i per frame, with each frame's largest marked."""
    names = [a.info.get("config_type", f"frame {k}") for k, a in enumerate(frames)]
    sigma = [np.asarray(a.arrays["force_dev"], dtype=float).ravel() for a in frames]
    fig, ax = plt.subplots(figsize=(1.2 + 1.1 * len(frames), 4))
    ax.boxplot(sigma, whis=(5, 95), showfliers=False)
    ax.plot(range(1, len(sigma) + 1), [s.max() for s in sigma], "rv", label="largest σ_i (σ_max)")
    ax.set_xticks(range(1, len(sigma) + 1), names, rotation=20, ha="right", fontsize=8)
    ax.set(yscale="log", ylabel="committee force deviation σ_i (eV/Å)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=150)
    for name, s in zip(names, sigma):
        print(f"{name}: sigma median {np.median(s):.4f}, max {s.max():.4f} eV/A")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="plot_committee.py", description=__doc__.splitlines()[0])
    parser.add_argument("eval_file")
    parser.add_argument("-o", "--prefix", default=None, help="output prefix (default: EVAL without .extxyz)")
    parser.add_argument("--bins", type=int, default=8)
    parser.add_argument("--frames", action="store_true", help="sigma per frame instead of against the error")
    args = parser.parse_args(argv)
    prefix = args.prefix or args.eval_file.rsplit(".", 1)[0]
    frames = read(args.eval_file, ":")
    if args.frames:
        plot_frames(frames, f"{prefix}_frames.png")
        print(f"wrote {prefix}_frames.png: {len(frames)} frames")
        return 0
    sigma, error, species = deviation_and_error(frames)
    floor = 1e-4  # eV/A: zero deviations or errors on a log axis
    fig, ax = plt.subplots(figsize=(5, 4.5))
    for s in sorted(set(species)):
        m = species == s
        ax.scatter(np.maximum(sigma[m], floor), np.maximum(error[m], floor), s=4, alpha=0.5, label=s)
    x, rms = binned_rms(sigma, error, args.bins)
    ax.plot(np.maximum(x, floor), np.maximum(rms, floor), "k-o", ms=4, label="RMS |ΔF| per σ bin")
    lo, hi = floor, max(sigma.max(), error.max(), floor) * 1.5
    ax.plot([lo, hi], [lo, hi], "k--", lw=0.8, label="|ΔF| = σ")
    ax.set(xscale="log", yscale="log", xlabel="committee force deviation σ_i (eV/Å)",
           ylabel="true force error |F_i − F_i^ref| (eV/Å)")
    ax.legend(fontsize=7, markerscale=2)
    fig.tight_layout()
    out = f"{prefix}_deviation.png"
    fig.savefig(out, dpi=150)
    print(f"wrote {out}: {len(sigma)} atoms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
