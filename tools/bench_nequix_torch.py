#!/usr/bin/env python3
"""Time Nequix's own PyTorch model (its torch backend, float32, CPU, no custom kernels) on the
frames of an extended XYZ file: energy, forces and stress per evaluation through Nequix's ASE
calculator, neighbour list included (as `mdgpu eval` includes its own), after one warm-up call.
The counterpart of `mdgpu eval` on the same file for benches/RESULTS.md.

  bench_nequix_torch.py MODEL.nqx FRAMES.extxyz [--repeat N] [--threads T] [--compare MDGPU.extxyz]

`--repeat 0` evaluates each frame once (the warm-up call only), so that a whole-process time with
`--repeat N` minus one with `--repeat 0` is N evaluations, start-up and conversion cancelled.
`--compare` reads `mdgpu eval -o` output for the same frames and prints the differences in energy,
forces and stress (the conversion check to do before timing anything).

Nequix converts the .nqx (JAX) to torch on load, so it needs JAX and torch + e3nn +
torch_geometric in one interpreter. Recipe without a second multi-GB torch (both venvs are
Python 3.11; the JAX venv is tools/requirements-nequix.txt, the torch one has torch and e3nn):

  python3.11 -m venv $T
  printf '%s\n' $JAX_VENV/lib/python3.11/site-packages $TORCH_VENV/lib/python3.11/site-packages \
      > $T/lib/python3.11/site-packages/nequix_torch.pth     # JAX venv first: its numpy wins
  $T/bin/pip install torch-geometric==2.8.1                  # pure Python; only Data is used
  JAX_PLATFORMS=cpu $T/bin/python tools/bench_nequix_torch.py nequix-mp-1.nqx frames.extxyz

The conversion writes nequix-mp-1.pt next to the .nqx (Nequix's own cache behaviour).
"""
import argparse
import os
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import ase.io  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from nequix.calculator import NequixCalculator  # noqa: E402


def compare(frames, calc, path):
    """Largest differences between Nequix-torch and mdgpu's results on the same frames."""
    for k, (atoms, ref) in enumerate(zip(frames, ase.io.read(path, index=":"))):
        calc.calculate(atoms)
        de = calc.results["energy"] - ref.get_potential_energy()
        df = np.abs(calc.results["forces"] - ref.get_forces()).max()
        ds = np.abs(calc.results["stress"] - ref.get_stress(voigt=True)).max()  # both ASE's sign
        print(f"frame {k}: {len(atoms)} atoms, E {calc.results['energy']:.6f} eV, dE = {de:.2e} eV "
              f"({1e3 * de / len(atoms):.4f} meV/atom), max |dF| = {df:.2e} eV/Å, "
              f"max |dsigma| = {ds:.2e} eV/Å^3")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("frames")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--compare")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    calc = NequixCalculator(model_path=args.model, backend="torch", use_kernel=False)
    assert next(calc.model.parameters()).dtype == torch.float32
    frames = ase.io.read(args.frames, index=":")
    if args.compare:
        compare(frames, calc, args.compare)
        return
    for atoms in frames:
        t0 = time.perf_counter()
        calc.calculate(atoms)  # every call recomputes: calculate() skips ASE's result cache
        first_s = time.perf_counter() - t0
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            calc.calculate(atoms)
            times.append(time.perf_counter() - t0)
        line = f"{len(atoms)} atoms, {torch.get_num_threads()} thread(s): first call {first_s:.2f} s"
        if times:
            line += (f", then median {1e3 * np.median(times):.1f} ms, min {1e3 * min(times):.1f} ms "
                     f"per evaluation ({args.repeat} calls)")
        print(line)


if __name__ == "__main__":
    main()
