#!/usr/bin/python3
"""Convert a NequIP model to mdgpu's model file (docs/model_format.md).

  export_nequip.py SOURCE -o OUT.h5 [--config config.yaml] [--force]

SOURCE is detected from its content: a nequip reference HDF5 file (state_dict under /model;
needs only h5py and yaml), a training checkpoint saved with torch.save (best_model.pth; needs
--config with the run's config.yaml) or a nequip-deploy TorchScript archive (nequip 0.5/0.6).
Exit status 2 with one line `export_nequip.py: error: <what>, in <file>` for any model mdgpu
cannot represent; nothing is written then.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nequip_export.convert import export  # noqa: E402
from nequip_export.errors import ExportError  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="export_nequip.py", description="Convert a NequIP model to mdgpu's model file.")
    parser.add_argument("source", help="reference .h5, checkpoint .pth or deployed .pth")
    parser.add_argument("-o", "--output", required=True, help="mdgpu model file to write")
    parser.add_argument("--config", help="config.yaml of the run (training checkpoints only)")
    parser.add_argument("--force", action="store_true", help="overwrite OUTPUT")
    args = parser.parse_args(argv)
    try:
        attrs, weights = export(args.source, args.output, args.config, args.force)
    except ExportError as err:
        print(f"{parser.prog}: error: {err.what}, in {err.path or args.source}", file=sys.stderr)
        return 2
    print(f"wrote {args.output}: {attrs['source_kind']} {attrs['source_file']}, "
          f"types {' '.join(attrs['type_names'])}, {attrs['num_layers']} layers, "
          f"{attrs['feature_irreps_hidden']}, {len(weights)} tensors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
