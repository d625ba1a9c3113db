"""NequIP GNN models of nequip >= 0.7 (the rewrite; 0.19 checked), from a training checkpoint of
NequIPLightningModule, to mdgpu's model file (format version 2, docs/model_format.md).

The 0.7 network is 0.6's with different parametrisations, each mapped onto an existing mdgpu
option or folded exactly into the weights: a type embedding table (an e3nn Linear on the one-hot
scaled by sqrt(num_types)), self-connections on that embedding instead of the one-hot (summed over
the embedding into per-species weights), none in layer 0 (zero weights), bias-free radial MLPs and
readout with nequip's own 1/sqrt(fan_in)-and-gain scaling (folded; plain SiLU), Bessel roots
stored as n (times pi), a last layer that keeps only scalars and one linear readout."""
import math

import numpy as np

from . import irreps
from .architecture import layer_irreps
from .config import activation_pair
from .errors import ExportError

BUILDERS = ("nequip.model.NequIPGNNModel", "nequip.model.PresetNequIPGNNModel")
# nequip.model.nequip_models: the presets and the defaults of NequIPGNNModel/FullNequIPGNNModel.
PRESETS = {"S": {"num_layers": 2, "l_max": 1, "num_features": [128, 64]},
           "M": {"num_layers": 4, "l_max": 2, "num_features": [128, 64, 32]},
           "L": {"num_layers": 6, "l_max": 3, "num_features": [128, 64, 32, 32]},
           "XL": {"num_layers": 6, "l_max": 4, "num_features": [320, 96, 64, 32, 32]}}
PRESET_SHARED = {"parity": False, "type_embed_num_features": 32, "radial_mlp_depth": 1,
                 "radial_mlp_width": 128}
DEFAULTS = {"num_layers": 4, "l_max": 1, "parity": True, "num_features": 32,
            "type_embed_num_features": None, "radial_mlp_depth": 1, "radial_mlp_width": 128,
            "num_bessels": 8, "polynomial_cutoff_p": 6, "readout_mlp_hidden_layers_depth": 0,
            "convnet_sc": True, "convnet_nonlinearity_type": "gate",
            "convnet_nonlinearity_scalars": {"e": "silu", "o": "tanh"},
            "convnet_nonlinearity_gates": {"e": "silu", "o": "tanh"}}
# Keys that change nothing the energy network computes (training, derivatives, dtype handled
# below) or that the state_dict carries (trainable flags, scales and shifts).
INERT = ("_target_", "preset", "seed", "model_dtype", "compile_mode", "do_derivatives",
         "bessel_trainable", "per_type_energy_scales", "per_type_energy_shifts",
         "per_type_energy_scales_trainable", "per_type_energy_shifts_trainable",
         "readout_mlp_hidden_layers_width", "readout_mlp_nonlinearity", "r_max", "type_names",
         "avg_num_neighbors")
# Values mdgpu cannot represent; any of these keys set to something else is refused by name.
UNSUPPORTED = {"per_edge_type_cutoff": None, "pair_potential": None,
               "categorical_graph_field_embed": None, "convnet_resnet": False,
               "learnable_shift": False, "readout_mlp_hidden_layers_depth": 0,
               "convnet_nonlinearity_type": "gate"}
# Checked against nequip 0.19.1 itself; 0.17.0-0.19.x build the same network (the source
# differs by refactoring). Earlier 0.7-0.16 rewrote the MLP and interaction modules under the
# same tensor names, so a checkpoint of theirs could convert silently wrong: refused.
VERIFIED_SERIES = ((0, 17), (0, 18), (0, 19))


def check_version(version, path):
    try:
        series = tuple(int(part) for part in str(version).split(".")[:2])
    except ValueError:
        series = None
    if series not in VERIFIED_SERIES:
        raise ExportError(f"nequip version {version!r} of the checkpoint is not one this exporter "
                          f"was verified against (0.17 to 0.19)", path)


def _builder_args(model, path):
    target = str(model.get("_target_", ""))
    if "allegro" in target.lower():
        raise ExportError(f"model builder {target!r}: Allegro models are not supported", path)
    if target not in BUILDERS:
        raise ExportError(f"unsupported model builder {target!r} (supported: "
                          f"{', '.join(BUILDERS)})", path)
    args = dict(DEFAULTS)
    if target.endswith("PresetNequIPGNNModel"):
        preset = str(model.get("preset", "")).upper()
        if preset not in PRESETS:
            raise ExportError(f"preset {model.get('preset')!r} is not one of "
                              f"{', '.join(PRESETS)}", path)
        args.update(PRESET_SHARED)
        args.update(PRESETS[preset])
    args.update(model)
    for key in args:
        if key not in INERT and key not in DEFAULTS and key not in UNSUPPORTED:
            raise ExportError(f"unknown NequIPGNNModel argument {key!r}", path)
    for key, allowed in UNSUPPORTED.items():
        if args.get(key, allowed) != allowed:
            raise ExportError(f"{key} = {args[key]!r} is not supported (only {allowed!r})", path)
    return args


def _number(args, key, kind, path):
    value = args.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ExportError(f"{key} = {value!r} is not a number", path)
    if kind is int and value != int(value):
        raise ExportError(f"{key} = {value!r} is not an integer", path)
    return kind(value)


def _activations(args, path):
    picked = {}
    for group in ("scalars", "gates"):
        key = f"convnet_nonlinearity_{group}"
        picked.update(activation_pair(args[key], group, key, path))
    # mdgpu's radial MLP uses the even-scalar activation; nequip >= 0.7 hard-codes SiLU there.
    if picked["scalars_e"] != "silu":
        raise ExportError(f"convnet_nonlinearity_scalars.e = {picked['scalars_e']!r}: mdgpu "
                          f"needs silu, the radial MLP's activation", path)
    return picked


def _is_parameter(key, value, model):
    """Whether state_dict entry `key` of a NequIPGNNModel is a torch Parameter: every non-empty
    weight, the Bessel roots and scales/shifts only when configured trainable; the empty
    placeholders, output masks, Wigner-3j tables and 1/r_max are buffers."""
    last = key.split(".")[-1]
    if value.size == 0 or last in ("output_mask", "_rmax_recip", "_empty") or last.startswith("_w3j_"):
        return False
    if last == "bessel_weights":
        return bool(model.get("bessel_trainable", False))
    if last in ("scales", "shifts"):
        return bool(model.get(f"per_type_energy_{last}_trainable", False))
    return True


def evaluated_weights(tensors, extra_state, model, path):
    """The tensors nequip evaluates. A checkpoint of EMALightningModule (nequip's exponential
    moving average of the weights) keeps the raw weights under model. and their average as
    ema.ema_weight_<i>, i counting the model's parameters in order; nequip evaluates, compiles
    and packages the average, so it replaces the raw parameters here. Count and shapes must
    match, or the checkpoint is refused."""
    ema = sorted((int(k.rsplit("_", 1)[1]), k) for k in tensors if k.startswith("ema.ema_weight_"))
    if not ema:
        return tensors
    state = extra_state.get("ema._extra_state")
    if not (isinstance(state, dict) and state.get("is_holding_ema_weights") is True):
        raise ExportError("EMA checkpoint whose ema module does not hold the averaged weights "
                          "(ema._extra_state)", path)
    params = [k for k, v in tensors.items()
              if k.startswith("model.") and _is_parameter(k, v, model)]
    if [i for i, _ in ema] != list(range(len(params))):
        raise ExportError(f"{len(ema)} EMA weights for {len(params)} model parameters", path)
    out = dict(tensors)
    for key, (_, ema_key) in zip(params, ema):
        if tensors[ema_key].shape != tensors[key].shape:
            raise ExportError(f"{ema_key} has shape {tensors[ema_key].shape}, its parameter {key} "
                              f"{tensors[key].shape}", path)
        out[key] = tensors[ema_key]
    return {k: v for k, v in out.items() if not k.startswith("ema.")}


class _StateDict:
    """The energy network's tensors (keys after '.func.'), each taken once and checked."""

    def __init__(self, tensors, path):
        self.path = path
        self.tensors = {}
        for key, value in tensors.items():
            value = np.asarray(value)
            parts = key.split(".")
            if parts[0] != "model":
                continue  # the training module's own state (run stage, loss and metric buffers)
            if parts[1] != "sole_model":
                raise ExportError(f"tensor {key}: a checkpoint of several models is not "
                                  f"supported", path)
            if "func" not in parts:
                if parts[-1] != "_empty":
                    raise ExportError(f"unexpected tensor {key} outside the energy network", path)
                continue
            if (value.size == 0 or parts[-1] == "output_mask"
                    or parts[-1].startswith("_w3j_")):
                continue  # structural buffers and empty placeholders
            self.tensors[".".join(parts[parts.index("func") + 1:])] = value

    def take(self, name, shape):
        if name not in self.tensors:
            raise ExportError(f"missing weight {name}", self.path)
        value = self.tensors.pop(name)
        if tuple(value.shape) != tuple(shape):
            raise ExportError(f"{name} has shape {value.shape} but the hyper-parameters give "
                              f"{tuple(shape)}", self.path)
        if not np.all(np.isfinite(value)):
            raise ExportError(f"{name} is not finite", self.path)
        return value.astype(np.float64)

    def per_type(self, name, num_types, default):
        if name not in self.tensors:
            return np.full(num_types, default)
        value = self.tensors.pop(name).astype(np.float64).reshape(-1)
        if value.size == 1:
            return np.full(num_types, value.item())
        if value.size != num_types:
            raise ExportError(f"{name} has {value.size} values for {num_types} types", self.path)
        return value

    def check_all_taken(self):
        if self.tensors:
            name = sorted(self.tensors)[0]
            raise ExportError(f"unexpected tensor {name} {self.tensors[name].shape}: not part of "
                              f"a NequIPGNNModel", self.path)


def _mlp(state, prefix, dims):
    """nequip's ScalarMLPFunction (bias-free, forward_weight_init): layer i computes
    x @ (W_i * gain_i / sqrt(h_in)), gain 1 for the first layer and sqrt(2) after it; the
    Linear modules sit at even indices of its Sequential, SiLU between them."""
    out = []
    for i in range(len(dims) - 1):
        gain = 1.0 if i == 0 else math.sqrt(2.0)
        w = state.take(f"{prefix}.mlp.{2 * i}.weight", (dims[i], dims[i + 1]))
        out.append(w * (gain / math.sqrt(dims[i])))
    return out


def _self_connection(w, x, embed, conv_out, num_types, E):
    """e3nn FullyConnectedTensorProduct(x, embedding, conv_out) with the embedding E[t] of each
    type as second input, rewritten as the one-hot FCTP mdgpu evaluates: per instruction
    (mul_in, F, mul_out) -> (mul_in, num_types, mul_out) summed over the embedding, and the
    fan-in normalisation 1/sqrt(sum mul_in * F) turned into 1/sqrt(sum mul_in * num_types)."""
    F = embed
    out, offset = [], 0
    for m_in, a in x:
        for m_out, b in conv_out:
            if a != b:
                continue
            block = w[offset:offset + m_in * F * m_out].reshape(m_in, F, m_out)
            offset += m_in * F * m_out
            out.append(np.einsum("uvw,tv->utw", block, E).reshape(-1))
    return np.concatenate(out) * math.sqrt(num_types / F)


def convert(model_config, tensors, path):
    """(attrs, weights) of mdgpu's model file for a NequIPGNNModel checkpoint."""
    args = _builder_args(model_config, path)
    type_names = [str(t) for t in (args.get("type_names") or [])]
    if not type_names:
        raise ExportError("type_names is not set", path)
    num_types = len(type_names)
    r_max = _number(args, "r_max", float, path)
    num_layers = _number(args, "num_layers", int, path)
    l_max = _number(args, "l_max", int, path)
    if num_layers < 1 or l_max < 0 or l_max > 3:
        raise ExportError(f"num_layers = {num_layers}, l_max = {l_max}: mdgpu needs at least one "
                          f"layer and l_max <= 3", path)
    avg = args.get("avg_num_neighbors")
    if isinstance(avg, dict):
        raise ExportError("avg_num_neighbors per type is not supported (one number only)", path)
    avg = _number(args, "avg_num_neighbors", float, path)
    parity = bool(args["parity"])
    features = args["num_features"]
    features = [features] * (l_max + 1) if isinstance(features, int) else list(features)
    if len(features) != l_max + 1 or not all(isinstance(f, int) and f > 0 for f in features):
        raise ExportError(f"num_features = {args['num_features']!r} is not one positive count "
                          f"or {l_max + 1} of them", path)
    embed = args["type_embed_num_features"] or features[0]
    depth = _number(args, "radial_mlp_depth", int, path)
    width = _number(args, "radial_mlp_width", int, path)
    num_bessels = _number(args, "num_bessels", int, path)
    acts = _activations(args, path)
    use_sc = bool(args["convnet_sc"])

    # NequIPGNNModel's irreps: natural parity of each l unless parity (then both), last layer
    # scalars only; edge harmonics always 0e+1o+2e+... .
    hidden = [(features[l], (l, p)) for l in range(l_max + 1)
              for p in ((1, -1) if parity else ((-1) ** l,))]
    layer_hidden = [hidden] * (num_layers - 1) + [[(features[0], (0, 1))]]
    sh = [(1, (l, (-1) ** l)) for l in range(l_max + 1)]

    state = _StateDict(tensors, path)
    E = state.take("type_embed.embed_module.weight", (num_types, embed))
    rmax_recip = state.take("edge_norm._rmax_recip", ())
    if abs(rmax_recip * r_max - 1) > 1e-6:
        raise ExportError(f"edge_norm holds 1/r_max = {rmax_recip} but r_max = {r_max}", path)
    weights = {
        # torch.sinc(x w) w = sin(pi w r / r_max) / (pi r / r_max), times 2 pi / r_max^2.
        "radial_basis.basis.bessel_weights":
            np.pi * state.take("bessel_encode.bessel_weights", (1, num_bessels)).reshape(-1),
        "chemical_embedding.linear.weight": (E * math.sqrt(num_types)).reshape(-1),
    }
    x = [(embed, (0, 1))]
    for k in range(num_layers):
        mid, conv_out, out = layer_irreps(x, layer_hidden[k], sh, acts, k, path)
        pre = f"layer{k}_convnet.conv."
        weights[pre + "linear_1.weight"] = state.take(pre + "linear_1.weight",
                                                      (irreps.linear_numel(x, x),))
        weights[pre + "linear_2.weight"] = state.take(pre + "linear_2.weight",
                                                      (irreps.linear_numel(mid, conv_out),))
        dims = [num_bessels] + depth * [width] + [sum(m for m, _ in mid)]
        for i, w in enumerate(_mlp(state, pre + "edge_mlp", dims)):
            weights[pre + f"fc.layer{i}.weight"] = w
        if use_sc:  # nequip leaves layer 0 without one (the isolated-atom limit): zeros here
            numel = irreps.linear_numel(x, conv_out)
            weights[pre + "sc.weight"] = (
                np.zeros(num_types * numel) if k == 0 else _self_connection(
                    state.take(pre + "sc.weight", (numel * embed,)), x, embed, conv_out,
                    num_types, E))
        x = out
    if x != [(features[0], (0, 1))]:
        raise ExportError(f"the last layer gives {irreps.fmt(x)}, not {features[0]}x0e", path)
    weights["output_hidden_to_scalar.linear.weight"] = state.take(
        "per_atom_energy_readout.mlp_module.mlp.0.weight", (features[0], 1)).reshape(-1)
    weights["per_species_rescale.scales"] = state.per_type(
        "per_type_energy_scale_shift.scales", num_types, 1.0)
    weights["per_species_rescale.shifts"] = state.per_type(
        "per_type_energy_scale_shift.shifts", num_types, 0.0)
    weights["global_scale"] = np.float64(1.0)
    state.check_all_taken()

    dtype = args.get("model_dtype", "float32")
    if dtype not in ("float32", "float64"):
        raise ExportError(f"unsupported model_dtype {dtype!r}", path)
    attrs = {
        "type_names": type_names, "r_max": r_max, "num_layers": num_layers, "l_max": l_max,
        "num_features": features[0], "num_basis": num_bessels, "invariant_layers": depth,
        "invariant_neurons": width, "parity": parity,
        "polynomial_cutoff_p": _number(args, "polynomial_cutoff_p", float, path),
        "avg_num_neighbors": avg, "use_sc": use_sc, "resnet": False,
        **{f"nonlinearity_{role}": name for role, name in acts.items()},
        "feature_irreps_hidden": irreps.fmt(hidden),
        "layer_irreps_hidden": [irreps.fmt(h) for h in layer_hidden],
        "irreps_edge_sh": irreps.fmt(sh),
        "chemical_embedding_irreps_out": irreps.fmt([(embed, (0, 1))]),
        "embedding": "linear", "readout": "linear", "self_connection": "per_species",
        "tp_weight_order": "instructions", "layer_norm": "none",
        "radial_mlp_normalization": "none", "trained_dtype": dtype,
    }
    return attrs, weights
