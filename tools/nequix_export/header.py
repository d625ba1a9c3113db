"""The JSON config line at the head of a .nqx file, checked before JAX is touched: every key the
converter relies on present with the right type, and the options mdgpu cannot represent refused
by name."""
import json

from nequip_export.errors import ExportError

REQUIRED = {
    "atomic_numbers": list, "hidden_irreps": str, "lmax": int, "cutoff": (int, float),
    "n_layers": int, "radial_basis_size": int, "radial_mlp_size": int, "radial_mlp_layers": int,
    "radial_polynomial_p": (int, float), "index_weights": bool, "layer_norm": bool,
    "shift": (int, float), "scale": (int, float), "avg_n_neighbors": (int, float),
}


def read_config(path):
    try:
        with open(path, "rb") as f:
            line = f.readline()
    except OSError as err:
        raise ExportError(f"cannot read the model ({err.strerror or err})", path)
    try:
        config = json.loads(line.decode())
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ExportError("the first line is not a Nequix JSON config (not a .nqx file?)", path)
    if not isinstance(config, dict):
        raise ExportError("the first line is not a Nequix JSON config (not a .nqx file?)", path)
    for key, kind in REQUIRED.items():
        if key not in config:
            raise ExportError(f"config key '{key}' is missing", path)
        if not isinstance(config[key], kind) or (kind is int and isinstance(config[key], bool)):
            raise ExportError(f"config key '{key}' = {config[key]!r} has the wrong type", path)
    if config["index_weights"]:
        raise ExportError("index_weights: true (a per-species skip connection) is not supported", path)
    if config["lmax"] > 3:
        raise ExportError(f"lmax {config['lmax']} is not supported (at most 3)", path)
    if config["n_layers"] < 1 or config["radial_basis_size"] < 1:
        raise ExportError("n_layers and radial_basis_size must be positive", path)
    numbers = config["atomic_numbers"]
    if not numbers or len(set(numbers)) != len(numbers) or not all(
            isinstance(z, int) and 1 <= z <= 118 for z in numbers):
        raise ExportError("atomic_numbers must be distinct atomic numbers", path)
    return config
