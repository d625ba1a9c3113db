"""From a Nequix .nqx to mdgpu's model file: read the config line, load the leaves with Nequix's
own loader, check every weight's shape against the architecture the config gives (as mdgpu's
model/nequip_model.cpp derives it), then write. Nothing is written unless all of it fits."""
import hashlib
import os
from datetime import datetime, timezone

import numpy as np

from nequip_export import writer
from nequip_export.errors import ExportError

from .header import read_config

FORMAT, FORMAT_VERSION = "mdgpu-nequip", 2  # 2: uses the architecture options


def _irreps(text):
    """'128x0e + 64x1o' -> [(128, (0, 1)), (64, (1, -1))]."""
    blocks = []
    for part in text.replace(" ", "").split("+"):
        mul, ir = part.split("x") if "x" in part else ("1", part)
        blocks.append((int(mul), (int(ir[:-1]), 1 if ir[-1] == "e" else -1)))
    return blocks


def _text(blocks):
    return "+".join(f"{m}x{l}{'e' if p > 0 else 'o'}" for m, (l, p) in blocks)


def _sorted_merged(blocks):
    """e3nn's stable sort (by l, odd before even) and merge of neighbouring equal irreps."""
    out = []
    for mul, ir in sorted(blocks, key=lambda b: (b[1][0], b[1][1])):
        if out and out[-1][1] == ir:
            out[-1] = (out[-1][0] + mul, ir)
        elif mul > 0:
            out.append((mul, ir))
    return out


def _layer_irreps(in_blocks, hidden, lmax):
    """Sorted, merged tensor-product output and the convolution output (hidden + gates)."""
    keep = {ir for _, ir in hidden}
    mid = [(mul, (l3, p1 * (-1) ** l2))
           for mul, (l1, p1) in in_blocks for l2 in range(lmax + 1)
           for l3 in range(abs(l1 - l2), l1 + l2 + 1) if (l3, p1 * (-1) ** l2) in keep]
    gates = sum(mul for mul, (l, _) in hidden if l > 0)
    conv_out = _sorted_merged(hidden + [(gates, (0, 1))])
    return _sorted_merged(mid), conv_out


def _linear(module, irreps_in, irreps_out, name, path):
    """An e3nn-jax Linear's weights, checked path by path (input blocks outer, equal irreps),
    flattened in mdgpu's layout."""
    expected = [(i, o) for i, (_, a) in enumerate(irreps_in) for o, (_, b) in enumerate(irreps_out) if a == b]
    weights = module._weights
    if len(weights) != len(expected):
        raise ExportError(f"{name} has {len(weights)} weight blocks, the architecture needs {len(expected)}", path)
    flat = []
    for (key, w), (i, o) in zip(weights.items(), expected):
        shape = (irreps_in[i][0], irreps_out[o][0])
        w = np.asarray(w, dtype=np.float64)
        if w.shape != shape:
            raise ExportError(f"{name} block {key} has shape {w.shape}, the architecture needs {shape}", path)
        flat.append(w.reshape(-1))
    return np.concatenate(flat)


def _activation_constant(act):
    """e3nn-jax's normalize_function: phi / sqrt(mean phi(x)^2) over its float64 normal grid,
    phi itself when that is close to 1."""
    import jax.numpy as jnp
    from e3nn_jax._src.activation import normalspace
    c = float(jnp.mean(act(normalspace(1_000_001)) ** 2) ** 0.5)
    return 1.0 if np.allclose(c, 1.0) else 1.0 / c


def _load(path):
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    try:
        from nequix.model import load_model
    except ImportError as err:
        raise ExportError(f"the nequix package is needed ({err}); see tools/requirements-nequix.txt", path)
    try:
        return load_model(path)[0]
    except Exception as err:  # a damaged file fails inside Equinox with many exception kinds
        raise ExportError(f"the model weights cannot be read ({type(err).__name__}: {str(err).splitlines()[0]})", path)


def _sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def convert(path):
    config = read_config(path)
    model = _load(path)
    import jax
    import ase.data
    hidden = _irreps(config["hidden_irreps"])
    lmax, n_layers, types = config["lmax"], config["n_layers"], len(config["atomic_numbers"])
    if len(model.layers) != n_layers:
        raise ExportError(f"{len(model.layers)} layers stored, the config says {n_layers}", path)
    weights = {}
    features = [(types, (0, 1))]
    layer_hidden = []
    for k, layer in enumerate(model.layers):
        out = hidden if k + 1 < n_layers else [b for b in hidden if b[1] == (0, 1)]
        layer_hidden.append(_text(out))
        mid, conv_out = _layer_irreps(features, out, lmax)
        pre = f"layer{k}_convnet.conv."
        weights[pre + "linear_1.weight"] = _linear(layer.linear_1, features, features, pre + "linear_1", path)
        weights[pre + "linear_2.weight"] = _linear(layer.linear_2, mid, conv_out, pre + "linear_2", path)
        weights[pre + "sc.weight"] = _linear(layer.skip, features, conv_out, pre + "skip", path)
        sizes = [config["radial_basis_size"]] + [config["radial_mlp_size"]] * config["radial_mlp_layers"] + [
            sum(m for m, _ in mid)]
        if len(layer.radial_mlp.layers) != len(sizes) - 1:
            raise ExportError(f"{pre}radial_mlp has {len(layer.radial_mlp.layers)} layers, expected {len(sizes) - 1}", path)
        for j, dense in enumerate(layer.radial_mlp.layers):
            w = np.asarray(dense.weights, dtype=np.float64)
            if w.shape != (sizes[j], sizes[j + 1]) or dense.bias is not None:
                raise ExportError(f"{pre}radial_mlp layer {j} has shape {w.shape} (bias: {dense.bias is not None}), "
                                  f"expected ({sizes[j]}, {sizes[j + 1]}) without bias", path)
            weights[f"{pre}fc.layer{j}.weight"] = w
        if config["layer_norm"]:
            norm = layer.layer_norm
            if norm is None or norm.centering or not norm.std_balance_degrees or norm.affine_bias is not None:
                raise ExportError(f"{pre}layer_norm is not an uncentred, degree-balanced RMS norm", path)
            shapes = [np.shape(w) for w in norm.affine_weight]
            if shapes != [(m,) for m, _ in conv_out]:
                raise ExportError(f"{pre}layer_norm weights have shapes {shapes}, expected one per block of "
                                  f"{_text(conv_out)}", path)
            weights[pre + "layer_norm.weight"] = np.concatenate([np.asarray(w, np.float64) for w in norm.affine_weight])
        features = out
    weights["output_hidden_to_scalar.linear.weight"] = _linear(model.readout, features, [(1, (0, 1))], "readout", path)
    atom_energies = np.asarray(model.atom_energies, dtype=np.float64)
    if atom_energies.shape != (types,):
        raise ExportError(f"atom_energies has shape {atom_energies.shape}, expected ({types},)", path)
    weights["radial_basis.basis.bessel_weights"] = np.arange(1, config["radial_basis_size"] + 1) * np.pi
    weights["per_species_rescale.scales"] = np.full(types, float(config["scale"]))
    # E_i = scale e_i + shift + E_isolated[t]: the per-type shift holds both.
    weights["per_species_rescale.shifts"] = float(config["shift"]) + atom_energies
    weights["global_scale"] = np.float64(1.0)
    for name, w in weights.items():
        if not np.all(np.isfinite(w)):
            raise ExportError(f"weights '{name}' are not finite", path)

    jax.config.update("jax_enable_x64", True)
    activations = {"silu": _activation_constant(jax.nn.silu), "tanh": _activation_constant(jax.nn.tanh)}
    from importlib.metadata import version
    attrs = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "type_names": [ase.data.chemical_symbols[z] for z in config["atomic_numbers"]],
        "r_max": float(config["cutoff"]), "num_layers": n_layers, "l_max": lmax,
        "num_basis": config["radial_basis_size"], "invariant_layers": config["radial_mlp_layers"],
        "invariant_neurons": config["radial_mlp_size"], "polynomial_cutoff_p": float(config["radial_polynomial_p"]),
        "avg_num_neighbors": float(config["avg_n_neighbors"]), "use_sc": True, "resnet": False,
        # e3nn-jax gate: even scalars and gates silu, odd scalars tanh (normalised); no odd gates arise.
        "nonlinearity_scalars_e": "silu", "nonlinearity_scalars_o": "tanh",
        "nonlinearity_gates_e": "silu", "nonlinearity_gates_o": "tanh",
        "feature_irreps_hidden": _text(hidden), "layer_irreps_hidden": layer_hidden,
        "irreps_edge_sh": "+".join(f"1x{l}{'e' if l % 2 == 0 else 'o'}" for l in range(lmax + 1)),
        "embedding": "one_hot", "readout": "linear", "self_connection": "shared", "tp_weight_order": "sorted",
        "layer_norm": "rms_degree_balanced" if config["layer_norm"] else "none",
        "radial_mlp_normalization": "none", "trained_dtype": "float32",
        "source_kind": "nequix", "source_file": os.path.basename(path), "source_sha256": _sha256(path),
        "nequix_version": version("nequix"),
        "exported_by": "tools/export_nequix.py",
        "exported_utc": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "config_json": open(path, "rb").readline().decode().strip(),
    }
    if config["layer_norm"]:
        attrs["layer_norm_eps"] = float(model.layers[0].layer_norm.eps)
    return attrs, activations, weights


def export(source, output, force):
    attrs, activations, weights = convert(source)
    writer.write(output, attrs, activations, weights, force)
    return attrs, weights
