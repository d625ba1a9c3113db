#!/usr/bin/python3
"""A committee member for tests: an mdgpu model file with every weight tensor scaled by
(1 + scale * N(0, 1)), element by element, from a seeded generator.

  perturb_model.py IN.h5 -o OUT.h5 --seed S [--scale 0.05] [--force]

Same architecture, species and cut-off as IN, other weights: what a committee of models trained
from different seeds looks like to the engine (a test of the committee machinery, not a trained
ensemble). The output records the seed and scale in `provenance`.
"""
import argparse
import os
import shutil
import sys

import h5py
import numpy as np


def main(argv=None):
    parser = argparse.ArgumentParser(prog="perturb_model.py", description=__doc__.splitlines()[0])
    parser.add_argument("source", help="mdgpu model file (tools/export_nequip.py, export_nequix.py)")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--force", action="store_true", help="overwrite OUTPUT")
    args = parser.parse_args(argv)
    if os.path.exists(args.output) and not args.force:
        print(f"{parser.prog}: error: {args.output} exists (pass --force)", file=sys.stderr)
        return 2
    shutil.copyfile(args.source, args.output)
    rng = np.random.default_rng(args.seed)
    with h5py.File(args.output, "r+") as f:
        # Sorted names: the same seed perturbs the same tensors the same way.
        for name in sorted(f["weights"].keys()):
            w = f["weights"][name]
            if w.shape == ():  # the global scale: a committee shares the energy scale
                continue
            w[...] = w[...] * (1.0 + args.scale * rng.standard_normal(w.shape))
        f.attrs["provenance"] = (f"{f.attrs.get('provenance', '')} perturbed by tools/perturb_model.py "
                                 f"(seed {args.seed}, scale {args.scale})").strip()
    print(f"wrote {args.output}: {args.source} with weights scaled by 1 + {args.scale} N(0,1), seed {args.seed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
