#!/usr/bin/env python3
"""Time Nequix's own JAX model (float32, jit-compiled, CPU) on the frames of an extended XYZ file:
energy, forces and stress per evaluation, after a warm-up call that compiles. The counterpart of
`mdgpu eval` on the same file for benches/RESULTS.md.

  bench_nequix_jax.py MODEL.nqx FRAMES.extxyz [--repeat N]
"""
import argparse
import time

from make_nequix_reference import graph  # first: it sets JAX_PLATFORMS
import ase.io
import equinox as eqx
import jraph
import numpy as np
from nequix.data import atomic_numbers_to_indices
from nequix.model import load_model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("frames")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    model, config = load_model(args.model)
    index = atomic_numbers_to_indices(config["atomic_numbers"])
    run = eqx.filter_jit(model)
    for atoms in ase.io.read(args.frames, index=":"):
        g = graph(atoms, index, config["cutoff"], np.float32)
        g = jraph.pad_with_graphs(g, n_node=len(atoms) + 1, n_edge=int(g.n_edge[0]), n_graph=2)
        t0 = time.perf_counter()
        run(g)[1].block_until_ready()
        compile_s = time.perf_counter() - t0
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            run(g)[1].block_until_ready()
            times.append(time.perf_counter() - t0)
        print(f"{len(atoms)} atoms, {int(g.n_edge[0])} edges: first call {compile_s:.1f} s, then "
              f"median {1e3 * np.median(times):.1f} ms, min {1e3 * min(times):.1f} ms per evaluation")


if __name__ == "__main__":
    main()
