#!/usr/bin/env python3
"""Convert a Nequix model (.nqx: a JSON config line, then Equinox-serialised JAX leaves) to
mdgpu's model file (docs/model_format.md, "Architecture options").

  export_nequix.py SOURCE.nqx -o OUT.h5 [--force]

Needs the `nequix` package (JAX, e3nn-jax, Equinox): see tools/requirements-nequix.txt. Exit
status 2 with one line `export_nequix.py: error: <what>, in <file>` for a file that is damaged or
holds something mdgpu cannot represent; nothing is written then.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nequip_export.errors import ExportError  # noqa: E402
from nequix_export.convert import export  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="export_nequix.py", description="Convert a Nequix .nqx model to mdgpu's model file.")
    parser.add_argument("source", help="Nequix model (.nqx)")
    parser.add_argument("-o", "--output", required=True, help="mdgpu model file to write")
    parser.add_argument("--force", action="store_true", help="overwrite OUTPUT")
    args = parser.parse_args(argv)
    try:
        attrs, weights = export(args.source, args.output, args.force)
    except ExportError as err:
        print(f"{parser.prog}: error: {err.what}, in {err.path or args.source}", file=sys.stderr)
        return 2
    print(f"wrote {args.output}: {attrs['source_file']}, {len(attrs['type_names'])} types, "
          f"{attrs['num_layers']} layers, {attrs['feature_irreps_hidden']}, {len(weights)} tensors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
