#!/usr/bin/python3
"""Parity plots of model predictions against reference labels, from an extxyz file written by
`mdgpu eval`.

  plot_parity.py EVAL.extxyz [-o PREFIX]

Each frame carries the predictions `energy` (eV), `stress` (3x3 or 9 values, eV/A^3) and the
per-atom `forces` (eV/A) and `energies`, and the labels `ref_energy`, `ref_forces`, `ref_stress`
(optional: `config_type`). Writes PREFIX_energy.png (energy per atom, meV/atom, relative to the
mean label, coloured by config_type), PREFIX_forces.png (force components, eV/A, coloured by
species) and, when both stresses are present, PREFIX_stress.png (eV/A^3). MAE and RMSE are in
the legends.
"""
import argparse
import sys

import matplotlib
import numpy as np
from ase.io import read
from ase.stress import voigt_6_to_full_3x3_stress

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _value(atoms, key, per_atom):
    """A quantity wherever ASE put it: its calculator (energy, forces, stress, energies are
    moved there), info or arrays. None when absent."""
    if atoms.calc is not None and key in atoms.calc.results:
        return np.asarray(atoms.calc.results[key], dtype=float)
    store = atoms.arrays if per_atom else atoms.info
    return np.asarray(store[key], dtype=float) if key in store else None


def _stress(atoms, key):
    value = _value(atoms, key, per_atom=False)
    if value is None:
        return None
    return voigt_6_to_full_3x3_stress(value) if value.size == 6 else value.reshape(3, 3)


def collect(frames):
    """Flat arrays over all frames; missing labels for a quantity drop that quantity."""
    data = {"energy": [], "ref_energy": [], "config_type": [], "forces": [], "ref_forces": [],
            "species": [], "stress": [], "ref_stress": []}
    for atoms in frames:
        n = len(atoms)
        data["energy"].append(_value(atoms, "energy", False) / n)
        data["ref_energy"].append(float(atoms.info["ref_energy"]) / n)
        data["config_type"].append(str(atoms.info.get("config_type", "all")))
        data["forces"].append(_value(atoms, "forces", True))
        data["ref_forces"].append(_value(atoms, "ref_forces", True))
        data["species"] += [s for s in atoms.get_chemical_symbols() for _ in range(3)]
        pred, ref = _stress(atoms, "stress"), _stress(atoms, "ref_stress")
        if pred is not None and ref is not None:
            data["stress"].append(pred.reshape(-1))
            data["ref_stress"].append(ref.reshape(-1))
    out = {key: np.concatenate([np.ravel(v) for v in values]) if values else np.empty(0)
           for key, values in data.items() if key not in ("config_type", "species")}
    out["config_type"] = np.array(data["config_type"])
    out["species"] = np.array(data["species"])
    return out


def _errors(pred, ref):
    diff = pred - ref
    return np.mean(np.abs(diff)), np.sqrt(np.mean(diff ** 2))


def parity(path, ref, pred, groups, unit, title):
    """One parity plot, a colour per group, MAE/RMSE per group and overall in the legend."""
    fig, ax = plt.subplots(figsize=(5.5, 5.5))
    for group in sorted(set(groups)):
        mask = groups == group
        mae, rmse = _errors(pred[mask], ref[mask])
        ax.scatter(ref[mask], pred[mask], s=8, alpha=0.7,
                   label=f"{group}: MAE {mae:.3g}, RMSE {rmse:.3g}")
    lo, hi = min(ref.min(), pred.min()), max(ref.max(), pred.max())
    pad = 0.05 * (hi - lo or 1.0)
    ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], color="black", lw=0.8)
    mae, rmse = _errors(pred, ref)
    ax.set(xlabel=f"reference ({unit})", ylabel=f"prediction ({unit})",
           title=f"{title}\nall: MAE {mae:.3g}, RMSE {rmse:.3g} {unit}", aspect="equal")
    ax.legend(fontsize="small", title=unit)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(prog="plot_parity.py", description=__doc__.split("\n")[0])
    parser.add_argument("input", help="extxyz written by mdgpu eval")
    parser.add_argument("-o", "--prefix", default="parity", help="output name prefix")
    args = parser.parse_args(argv)
    data = collect(read(args.input, index=":", format="extxyz"))

    # Per-atom energies relative to the mean label, so that meV/atom is a readable scale.
    offset = data["ref_energy"].mean()
    written = [
        parity(f"{args.prefix}_energy.png", 1000 * (data["ref_energy"] - offset),
               1000 * (data["energy"] - offset), data["config_type"], "meV/atom",
               f"energy per atom, relative to {offset:.4f} eV/atom"),
        parity(f"{args.prefix}_forces.png", data["ref_forces"], data["forces"],
               data["species"], "eV/Å", "force components"),
    ]
    if data["stress"].size:
        written.append(parity(f"{args.prefix}_stress.png", data["ref_stress"], data["stress"],
                              np.full(data["stress"].size, "all"), "eV/Å³",
                              "stress components"))
    print("\n".join(written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
