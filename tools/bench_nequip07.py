#!/usr/bin/env python3
"""Side by side on the CPU: nequip's own torch evaluation of a NequIP GNN model (nequip >= 0.7,
float32, eager, as ModelFromCheckpoint loads it; nequip-compile's TorchScript is refused on
torch >= 2.10, and its AOTInductor build was not timed) and `mdgpu eval` of the same model converted by tools/export_nequip.py, on the frames of an extended XYZ file: energy, forces and stress per
evaluation. For benches/RESULTS.md. Needs the venv of tools/requirements-nequip07.txt.

  bench_nequip07.py MDGPU FRAMES.extxyz [--preset M] [--r-max 5.0] [--repeat 10] [--threads 2]

The model is nequip's PresetNequIPGNNModel of the given size for Li, N, O, P with nequip's
initialisation perturbed (timing does not depend on the values), saved as a training checkpoint
in a temporary folder. nequip's time is that of model(data) with the neighbour list built
beforehand (median after one warm-up call); mdgpu's is (time for 1 + repeat copies of the first
frame - time for 1 copy) / repeat, so that start-up and model loading cancel, and it includes
the neighbour list.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
import warnings

import ase.io
import numpy as np
import torch

from make_nequip07_reference import lightning_module, perturb, save_checkpoint
from nequip.data import compute_neighborlist_, from_ase
from nequip.data.transforms import ChemicalSpeciesToAtomTypeMapper
from nequip.model import ModelFromCheckpoint
from nequip.utils.global_state import set_global_state

TOOLS = os.path.dirname(os.path.abspath(__file__))


def mdgpu_seconds(mdgpu, model, frames, precision):
    t0 = time.perf_counter()
    r = subprocess.run([mdgpu, "eval", "--model", model, "--precision", precision, frames],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"mdgpu eval failed: {r.stderr.strip()}")
    return time.perf_counter() - t0


def median_seconds(call, repeat):
    """(median, min, first) wall seconds of call() over a warm-up and `repeat` calls."""
    t0 = time.perf_counter()
    call()
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), min(times), first


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mdgpu")
    parser.add_argument("frames")
    parser.add_argument("--preset", default="M")
    parser.add_argument("--r-max", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    set_global_state()
    torch.set_num_threads(args.threads)
    atoms = ase.io.read(args.frames, index=0)
    types = ["Li", "N", "O", "P"]
    settings = {"seed": 3, "preset": args.preset, "r_max": args.r_max, "type_names": types,
                "avg_num_neighbors": 30.0, "per_type_energy_scales": 0.5,
                "per_type_energy_shifts": -3.0}
    with tempfile.TemporaryDirectory() as tmp:
        ckpt, exported = os.path.join(tmp, "model.ckpt"), os.path.join(tmp, "model.mdgpu.h5")
        module = lightning_module(settings, "float32", target="nequip.model.PresetNequIPGNNModel")
        perturb(module, 3)
        save_checkpoint(module, ckpt)
        subprocess.run([sys.executable, os.path.join(TOOLS, "export_nequip.py"), ckpt, "-o", exported],
                       check=True, capture_output=True)

        model = ModelFromCheckpoint(ckpt)["sole_model"]
        to_types = ChemicalSpeciesToAtomTypeMapper(model_type_names=types)
        data = compute_neighborlist_(to_types(from_ase(atoms)), args.r_max)
        edges = data["edge_index"].shape[1]
        eager = median_seconds(lambda: model(dict(data)), args.repeat)

        one, many = os.path.join(tmp, "one.extxyz"), os.path.join(tmp, "many.extxyz")
        ase.io.write(one, atoms)
        ase.io.write(many, [atoms] * (1 + args.repeat))
        os.environ["OMP_NUM_THREADS"] = str(args.threads)
        mdgpu_s = (mdgpu_seconds(args.mdgpu, exported, many, "float32")
                   - mdgpu_seconds(args.mdgpu, exported, one, "float32")) / args.repeat

    print(f"PresetNequIPGNNModel {args.preset}, r_max {args.r_max}: {len(atoms)} atoms, {edges} edges, "
          f"{args.threads} threads, float32")
    version = f"nequip {__import__('nequip').__version__} torch {torch.__version__}"
    median, fastest, first = eager
    print(f"  {version} eager: median {median:.3f} s, min {fastest:.3f} s per evaluation "
          f"(first call {first:.2f} s); nequip / mdgpu = {median / mdgpu_s:.2f}")
    print(f"  mdgpu eval: {mdgpu_s:.3f} s per evaluation")


if __name__ == "__main__":
    main()
