"""From a NequIP model file to mdgpu's: read, validate everything against the hyper-parameters,
then write. Nothing is written unless the whole model is understood."""
import hashlib
import os
from datetime import datetime, timezone

import numpy as np

from . import architecture, config, gnn, sources, writer
from .activations import normalize2mom
from .errors import ExportError

FORMAT = "mdgpu-nequip"
FORMAT_VERSION = 1
SCALE_SHIFT = ("per_species_rescale.scales", "per_species_rescale.shifts")


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _per_type(value, num_types, key, path):
    """nequip broadcasts a scalar scale/shift to one per type; do the same."""
    value = np.asarray(value, dtype=np.float64)
    if value.size == 1:
        return np.full(num_types, value.item())
    if value.shape != (num_types,):
        raise ExportError(f"{key} has shape {value.shape}, expected ({num_types},)", path)
    return value


def select_weights(tensors, hyper, path):
    """The energy network's weights, named relative to 'func.', and the global scale.
    Structural buffers (output masks, Wigner-3j tables) and empty placeholders are skipped;
    every other tensor must be one the hyper-parameters predict, with the predicted shape."""
    expected = architecture.expected_shapes(hyper, path)
    num_types = len(hyper.type_names)
    weights = {"per_species_rescale.scales": np.ones(num_types),
               "per_species_rescale.shifts": np.zeros(num_types)}
    scales_by = []
    for key, value in tensors.items():
        value = np.asarray(value)
        parts = key.split(".")
        if value.size == 0 or parts[-1] == "output_mask" or parts[-1].startswith("_w3j_"):
            continue
        if "func" not in parts:
            if parts[-1] == "scale_by":
                scales_by.append((key, value))
            elif parts[-1] == "shift_by":
                if np.any(value != 0):
                    raise ExportError(f"global energy shift {key} = {value.tolist()} is not "
                                      f"supported", path)
            else:
                raise ExportError(f"unexpected tensor {key} outside the energy network", path)
            continue
        name = ".".join(parts[parts.index("func") + 1:])
        if name in SCALE_SHIFT:
            weights[name] = _per_type(value, num_types, key, path)
        elif name not in expected:
            raise ExportError(f"unexpected tensor {key} {value.shape}: not part of a default "
                              f"nequip energy model", path)
        elif value.shape != expected[name]:
            raise ExportError(f"{key} has shape {value.shape} but the hyper-parameters give "
                              f"{expected[name]}", path)
        else:
            weights[name] = value.astype(np.float64)
    missing = sorted(set(expected) - set(weights))
    if missing:
        raise ExportError(f"missing weight {missing[0]}"
                          + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""), path)
    if len(scales_by) > 1 or any(value.size != 1 for _, value in scales_by):
        raise ExportError(f"global scale is not a single number: {[k for k, _ in scales_by]}",
                          path)
    if "RescaleEnergyEtc" in hyper.builders and not any(
            key.split(".")[-1] == "scale_by" for key in tensors):
        raise ExportError("RescaleEnergyEtc is a builder but the state_dict has no scale_by",
                          path)
    weights["global_scale"] = np.float64(scales_by[0][1].item() if scales_by else 1.0)
    return weights


def _trained_dtype(source, cfg):
    dtype = source.trained_dtype or cfg.get("model_dtype") or cfg.get("default_dtype", "float32")
    if dtype not in ("float32", "float64"):
        raise ExportError(f"unsupported model dtype {dtype!r}", source.path)
    return dtype


def _convert_v05(source):
    """nequip 0.5/0.6 (reference file, checkpoint with config.yaml, deployed archive)."""
    cfg = config.load(source.config_text, source.config_path)
    nequip_version = source.nequip_version or cfg.get("nequip_version")
    hyper = config.hyperparameters(cfg, nequip_version, source.config_path)
    if source.type_names is not None and source.type_names != hyper.type_names:
        raise ExportError(f"type names {source.type_names} in the file's metadata differ from "
                          f"{hyper.type_names} in its config", source.path)
    weights = select_weights(source.tensors, hyper, source.path)
    attrs = {
        "format_version": FORMAT_VERSION,
        "type_names": hyper.type_names, "r_max": hyper.r_max,
        "num_layers": hyper.num_layers, "l_max": hyper.l_max,
        "num_features": hyper.num_features, "num_basis": hyper.num_basis,
        "invariant_layers": hyper.invariant_layers,
        "invariant_neurons": hyper.invariant_neurons, "parity": hyper.parity,
        "polynomial_cutoff_p": hyper.polynomial_cutoff_p,
        "avg_num_neighbors": hyper.avg_num_neighbors,
        "use_sc": hyper.use_sc, "resnet": hyper.resnet,
        **{f"nonlinearity_{role}": name for role, name in hyper.nonlinearity.items()},
        **hyper.irreps,
        "trained_dtype": _trained_dtype(source, cfg),
    }
    if nequip_version:
        attrs["nequip_version"] = str(nequip_version)
    if "ForceConstantOutput" in hyper.builders:
        attrs["export_notes"] = (
            "ForceConstantOutput (force-constant head of the Antoine-Loew/nequip fork) "
            "is an output of the energy's derivatives and is not exported; mdgpu "
            "computes energies, forces and stress from the exported energy network.")
    return attrs, weights


def _convert_gnn(source):
    """nequip >= 0.7 NequIPGNNModel (training checkpoint); format version 2 options."""
    gnn.check_version(source.nequip_version, source.path)
    tensors = gnn.evaluated_weights(source.tensors, source.extra_state, source.model_config,
                                    source.path)
    attrs, weights = gnn.convert(source.model_config, tensors, source.path)
    attrs["format_version"] = 2
    if source.nequip_version:
        attrs["nequip_version"] = str(source.nequip_version)
    return attrs, weights


def export(source_path, out_path, config_path=None, overwrite=False):
    if os.path.exists(out_path) and not overwrite:
        raise ExportError("output exists (use --force to overwrite)", out_path)
    source = sources.read(source_path, config_path)
    if source.kind == "lightning-checkpoint":
        attrs, weights = _convert_gnn(source)
    else:
        attrs, weights = _convert_v05(source)
    activations = {name: normalize2mom(name, source.path)
                   for role, name in attrs.items() if role.startswith("nonlinearity_")}
    attrs = {
        "format": FORMAT, **attrs,
        "source_kind": source.kind,
        "source_file": os.path.basename(source.path),
        "source_sha256": _sha256(source.path),
        "exported_by": "tools/export_nequip.py",
        "exported_utc": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "config_yaml": source.config_text,
    }
    writer.write(out_path, attrs, activations, weights, overwrite)
    return attrs, weights
