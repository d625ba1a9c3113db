"""Write mdgpu's model file (docs/model_format.md) with h5py: no compression, float64 weights.
The file appears under its name only once complete."""
import os

import h5py
import numpy as np

from .errors import ExportError


def _attr(value):
    if isinstance(value, bool):
        return np.int64(value)
    if isinstance(value, int):
        return np.int64(value)
    if isinstance(value, float):
        return np.float64(value)
    if isinstance(value, str):
        return value  # h5py: variable-length UTF-8
    if isinstance(value, list):
        return np.array(value, dtype=h5py.string_dtype("utf-8"))
    raise TypeError(f"no HDF5 attribute type for {value!r}")


def write(path, attrs, activations, weights, overwrite):
    partial = f"{path}.partial-{os.getpid()}"
    try:
        with h5py.File(partial, "w") as f:
            for key, value in attrs.items():
                f.attrs[key] = _attr(value)
            group = f.create_group("activations")
            for name, constant in sorted(activations.items()):
                group.attrs[name] = np.float64(constant)
            group = f.create_group("weights")
            for name, array in sorted(weights.items()):
                group.create_dataset(name, data=np.asarray(array, dtype=np.float64))
        if os.path.exists(path) and not overwrite:
            raise ExportError("output exists (use --force to overwrite)", path)
        os.replace(partial, path)
    except OSError as err:
        raise ExportError(f"cannot write the output ({err.strerror or err})", path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
