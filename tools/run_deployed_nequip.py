#!/usr/bin/python3
"""Evaluate a nequip-deploy TorchScript archive (nequip 0.5/0.6) on one extxyz frame, the way
nequip itself feeds it, and write the predictions as JSON: reference numbers for mdgpu's tests
that do not need torch.

  run_deployed_nequip.py MODEL.pth STRUCTURE.extxyz -o OUT.json [--index I] [--note TEXT]

The archive is run as deployed (its own dtype) and cast to float64 (module.to(float64)); the
latter is what a float64 reimplementation should match to round-off. When the archive's root is
a force-only gradient wrapper (nequip 0.5 ForceOutput: a `func` submodule, no stress output),
virial and stress are computed here the way nequip's StressOutput does: E is differentiated with
respect to a symmetric strain eps applied as r -> r + r eps, cell -> cell + cell eps;
virial = -dE/deps, stress = +dE/deps / V (ASE sign). If the frame carries labels (energy,
forces, `virial` in its info) their errors are reported too.
"""
import argparse
import hashlib
import json
import os
import re
import sys

import numpy as np
import torch
from ase.io import read
from ase.neighborlist import primitive_neighbor_list


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def neighbor_list(atoms, r_max):
    """nequip's edges: all pairs closer than r_max over periodic images, both directions,
    periodic self-images included, only the zero-shift self pair dropped. Row 0 = centre i."""
    i, j, shift = primitive_neighbor_list("ijS", atoms.pbc, atoms.cell.array, atoms.positions,
                                          float(r_max), self_interaction=True)
    keep = ~((i == j) & np.all(shift == 0, axis=1))
    return np.stack([i[keep], j[keep]]).astype(np.int64), shift[keep]


def model_inputs(atoms, type_names, r_max, dtype):
    """The AtomicDataDict a deployed model takes: floats in the model's dtype, int64 indices."""
    edge_index, shift = neighbor_list(atoms, r_max)
    types = [type_names.index(symbol) for symbol in atoms.get_chemical_symbols()]
    return {
        "pos": torch.tensor(atoms.positions, dtype=dtype),
        "edge_index": torch.from_numpy(edge_index),
        "edge_cell_shift": torch.tensor(shift, dtype=dtype),
        "cell": torch.tensor(atoms.cell.array, dtype=dtype),
        "pbc": torch.tensor(atoms.pbc, dtype=torch.bool),
        "atom_types": torch.tensor(types, dtype=torch.int64),
    }


def _strain_derivatives(energy_module, data, volume):
    """Forces and virial of nequip's StressOutput, through the archive's energy module."""
    pos = data["pos"].clone().requires_grad_(True)
    eps = torch.zeros(3, 3, dtype=pos.dtype, requires_grad=True)
    sym = 0.5 * (eps + eps.transpose(0, 1))
    strained = dict(data, pos=pos + pos @ sym, cell=data["cell"] + data["cell"] @ sym)
    energy = energy_module(strained)["total_energy"].sum()
    d_pos, d_eps = torch.autograd.grad(energy, [pos, eps])
    return -d_pos, -d_eps, d_eps / volume


def evaluate(model_path, atoms, dtype):
    extra = {"type_names": "", "r_max": ""}
    model = torch.jit.load(model_path, map_location="cpu", _extra_files=extra).to(dtype)
    model.eval()
    type_names = extra["type_names"].decode().split()
    r_max = float(extra["r_max"].decode())
    out = model(model_inputs(atoms, type_names, r_max, dtype))
    result = {"total_energy": out["total_energy"].item(),
              "forces": out["forces"].detach().numpy().tolist()}
    if "atomic_energy" in out:
        result["atomic_energies"] = out["atomic_energy"].detach().numpy().reshape(-1).tolist()
    for key in ("virial", "stress"):
        if key in out:
            result[key] = out[key].detach().numpy().reshape(3, 3).tolist()
    if "virial" not in out and hasattr(model, "func"):
        forces, virial, stress = _strain_derivatives(
            model.func, model_inputs(atoms, type_names, r_max, dtype), atoms.get_volume())
        assert np.allclose(forces.detach().numpy(), result["forces"], rtol=1e-4, atol=1e-4)
        result["virial"] = virial.detach().numpy().tolist()
        result["stress"] = stress.detach().numpy().tolist()
    result["max_abs_force"] = float(np.max(np.abs(result["forces"])))
    return result, type_names, r_max


def label_errors(atoms, prediction):
    """Errors of `prediction` against the frame's own labels (DFT), where it has them."""
    errors = {}
    calc = atoms.calc
    if calc is not None and "energy" in calc.results:
        diff = prediction["total_energy"] - calc.results["energy"]
        errors.update(label_energy=calc.results["energy"], energy_error=diff,
                      energy_abs_error_per_atom=abs(diff) / len(atoms))
    if calc is not None and "forces" in calc.results:
        diff = np.asarray(prediction["forces"]) - calc.results["forces"]
        errors.update(force_mae=float(np.mean(np.abs(diff))),
                      force_rmse=float(np.sqrt(np.mean(diff ** 2))),
                      force_max_abs_error=float(np.max(np.abs(diff))))
    if "virial" in atoms.info and "virial" in prediction:
        diff = np.asarray(prediction["virial"]) - np.reshape(atoms.info["virial"], (3, 3))
        errors.update(label_virial=np.reshape(atoms.info["virial"], (3, 3)).tolist(),
                      virial_mae=float(np.mean(np.abs(diff))))
    return errors


def main(argv=None):
    parser = argparse.ArgumentParser(prog="run_deployed_nequip.py", description=__doc__.split(
        "\n")[0])
    parser.add_argument("model")
    parser.add_argument("structure")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--index", type=int, default=0, help="frame of STRUCTURE")
    parser.add_argument("--note", default="", help="text prepended to the note field")
    args = parser.parse_args(argv)

    atoms = read(args.structure, index=args.index)
    deployed_dtype = next(torch.jit.load(args.model, map_location="cpu").parameters()).dtype
    as_deployed, type_names, r_max = evaluate(args.model, atoms, deployed_dtype)
    in_float64, _, _ = evaluate(args.model, atoms, torch.float64)
    num_edges = neighbor_list(atoms, r_max)[0].shape[1]
    report = {
        "note": (f"{args.note} " if args.note else "") + (
            f"Produced by tools/run_deployed_nequip.py with torch {torch.__version__} (CPU): "
            f"the TorchScript archive evaluated as deployed ({str(deployed_dtype)[6:]}) and cast "
            f"to float64. Edges: ASE primitive_neighbor_list('ijS', self_interaction=True) "
            f"minus the zero-shift self pairs. Units eV, eV/A, eV/A^3."),
        "model": {"file": os.path.basename(args.model), "sha256": sha256(args.model),
                  "type_names": type_names, "r_max": r_max},
        "structure": {"file": os.path.basename(args.structure),
                      "sha256": sha256(args.structure), "index": args.index,
                      "n_atoms": len(atoms), "num_edges": int(num_edges)},
        "torch_version": torch.__version__,
        "as_deployed": dict(dtype=str(deployed_dtype)[6:], **as_deployed),
        "float64": in_float64,
        "label_errors_as_deployed": label_errors(atoms, as_deployed),
    }
    # One line per innermost list (a force row, a type list) keeps the file readable.
    text = re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: "[" + " ".join(m.group(1).split()) + "]",
                  json.dumps(report, indent=1))
    with open(args.output, "w") as f:
        f.write(text + "\n")
    print(f"{args.output}: E = {as_deployed['total_energy']:.6f} eV ({str(deployed_dtype)[6:]}), "
          f"{in_float64['total_energy']:.9f} eV (float64), max |F| = "
          f"{as_deployed['max_abs_force']:.4f} eV/A; label errors: "
          f"{report['label_errors_as_deployed']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
