"""Read a nequip config: the builder stack, the hyper-parameters (with nequip's defaults) and the
irreps SimpleIrrepsConfig derives from them. Only what the energy network needs is read."""
import math
from dataclasses import dataclass

import yaml

from . import irreps
from .errors import ExportError

# Builders that make the energy network, and builders that only add derivative outputs or the
# global rescale (both taken from the state_dict) and so do not change the energy.
ENERGY_BUILDERS = ("SimpleIrrepsConfig", "EnergyModel", "PerSpeciesRescale")
OUTPUT_BUILDERS = ("ForceOutput", "StressForceOutput", "RescaleEnergyEtc", "ForceConstantOutput")
# nequip-train's default when a config names no builders (nequip/scripts/train.py).
TRAIN_DEFAULT_BUILDERS = ["SimpleIrrepsConfig", "EnergyModel", "PerSpeciesRescale",
                          "ForceOutput", "RescaleEnergyEtc"]

ACTIVATIONS = ("silu", "tanh", "abs", "ssp")      # nequip's ConvNetLayer `acts`
RADIAL_ACTIVATIONS = ("silu", "ssp")               # InteractionBlock's radial MLP choices
# ConvNetLayer's defaults for the nonlinearities changed in nequip 0.6.0.
_NONLINEARITY_DEFAULTS = {
    "0.5": {"scalars": {"e": "ssp", "o": "tanh"}, "gates": {"e": "ssp", "o": "abs"}},
    "0.6": {"scalars": {"e": "silu", "o": "tanh"}, "gates": {"e": "silu", "o": "tanh"}},
}


class _InertLoader(yaml.SafeLoader):
    """SafeLoader that reads python-specific tags (tuples, pickled index tensors written by
    nequip-train) as plain lists/dicts/strings instead of refusing or executing them."""


def _inert(loader, _suffix, node):
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    return loader.construct_scalar(node)


_InertLoader.add_multi_constructor("tag:yaml.org,2002:python/", _inert)


def load(text, path):
    try:
        config = yaml.load(text, Loader=_InertLoader)
    except yaml.YAMLError as err:
        raise ExportError(f"config is not valid YAML ({str(err).splitlines()[0]})", path)
    if not isinstance(config, dict):
        raise ExportError("config is not a YAML mapping", path)
    return config


@dataclass
class Hyper:
    """The energy network's hyper-parameters, as nequip resolved them."""
    type_names: list
    r_max: float
    num_layers: int
    l_max: int
    parity: bool
    num_features: int
    num_basis: int
    invariant_layers: int
    invariant_neurons: int
    polynomial_cutoff_p: float
    avg_num_neighbors: float
    use_sc: bool
    resnet: bool
    nonlinearity: dict     # scalars_e, scalars_o, gates_e, gates_o -> activation name
    irreps: dict           # the four derived irreps strings, by config key
    builders: list


def check_builders(config, path):
    """The builder names (without a 'nequip.model.' prefix); refuses anything that is not the
    default energy stack plus output-only builders."""
    builders = config.get("model_builders", TRAIN_DEFAULT_BUILDERS)
    names = []
    for builder in builders:
        name = str(builder)
        if "allegro" in name.lower():
            raise ExportError(f"model builder {name!r}: Allegro models are not supported", path)
        name = name[len("nequip.model."):] if name.startswith("nequip.model.") else name
        if name not in ENERGY_BUILDERS + OUTPUT_BUILDERS:
            raise ExportError(f"unsupported model builder {name!r} (supported: "
                              f"{', '.join(ENERGY_BUILDERS + OUTPUT_BUILDERS)})", path)
        names.append(name)
    if "EnergyModel" not in names:
        raise ExportError("model_builders has no EnergyModel", path)
    return names


def type_names(config, path):
    """nequip's TypeMapper order: type_names if given, else chemical_symbol_to_type's indices,
    else chemical_symbols sorted by atomic number."""
    if config.get("type_names") is not None:
        return [str(name) for name in config["type_names"]]
    if config.get("chemical_symbol_to_type") is not None:
        mapping = config["chemical_symbol_to_type"]
        if sorted(mapping.values()) != list(range(len(mapping))):
            raise ExportError("chemical_symbol_to_type is not a numbering 0..n-1", path)
        return [sym for sym, _ in sorted(mapping.items(), key=lambda item: item[1])]
    if config.get("chemical_symbols") is not None:
        from ase.data import atomic_numbers
        try:
            return sorted(config["chemical_symbols"], key=lambda sym: atomic_numbers[sym])
        except KeyError as err:
            raise ExportError(f"chemical_symbols has an unknown element {err}", path)
    raise ExportError("config names no atom types (type_names, chemical_symbol_to_type or "
                      "chemical_symbols)", path)


def _get(config, key, kind, path, default=None):
    """config[key] (or the nequip default) checked to be an int, float or bool."""
    value = config.get(key, default)
    if value is None:
        raise ExportError(f"{key} is not set", path)
    if kind is bool:
        if value not in (True, False, 0, 1):
            raise ExportError(f"{key} = {value!r} is not a boolean", path)
        return bool(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ExportError(f"{key} = {value!r} is not a number", path)
    if kind is int and value != int(value):
        raise ExportError(f"{key} = {value!r} is not an integer", path)
    if not math.isfinite(value):
        raise ExportError(f"{key} = {value!r} is not finite", path)
    return kind(value)


def activation_pair(given, group, key, path):
    """{group_e, group_o}: the activations of a config's {e: name, o: name} mapping `key`."""
    picked = {}
    for parity in ("e", "o"):
        name = given.get(parity) if isinstance(given, dict) else None
        if name not in ACTIVATIONS:
            raise ExportError(f"unsupported {key}.{parity} = {name!r} "
                              f"(supported: {', '.join(ACTIVATIONS)})", path)
        picked[f"{group}_{parity}"] = name
    return picked


def _nonlinearities(config, nequip_version, path):
    picked = {}
    for group in ("scalars", "gates"):
        given = config.get(f"nonlinearity_{group}")
        if given is None:
            series = (nequip_version or "")[:3]
            if series not in _NONLINEARITY_DEFAULTS:
                raise ExportError(f"nonlinearity_{group} is not set and nequip's default depends "
                                  f"on its version (unknown here)", path)
            given = _NONLINEARITY_DEFAULTS[series][group]
        picked.update(activation_pair(given, group, f"nonlinearity_{group}", path))
    if picked["scalars_e"] not in RADIAL_ACTIVATIONS:
        raise ExportError(f"nonlinearity_scalars.e = {picked['scalars_e']!r} cannot be the radial "
                          f"MLP activation (nequip allows {', '.join(RADIAL_ACTIVATIONS)})", path)
    return picked


def _derived_irreps(config, l_max, parity, num_features, path):
    """SimpleIrrepsConfig's irreps; any already in the config must agree (as nequip asserts)."""
    derived = {
        "chemical_embedding_irreps_out": irreps.fmt([(num_features, (0, 1))]),
        "irreps_edge_sh": irreps.fmt(irreps.spherical_harmonics(l_max, parity)),
        "feature_irreps_hidden": irreps.fmt(
            [(num_features, (l, p)) for p in ((1, -1) if parity else (1,))
             for l in range(l_max + 1)]),
        "conv_to_output_hidden_irreps_out": irreps.fmt([(max(1, num_features // 2), (0, 1))]),
    }
    for key, value in derived.items():
        if config.get(key) is None:
            continue
        try:
            given = irreps.fmt(irreps.parse(config[key]))
        except ValueError as err:
            raise ExportError(f"{key}: {err}", path)
        if given != value:
            raise ExportError(f"{key} = {config[key]} differs from {value} derived from l_max, "
                              f"parity and num_features", path)
    return derived


def hyperparameters(config, nequip_version, path):
    """Resolve everything the energy network depends on; ExportError for what mdgpu lacks."""
    builders = check_builders(config, path)
    if config.get("nonlinearity_type", "gate") != "gate":
        raise ExportError(f"unsupported nonlinearity_type {config['nonlinearity_type']!r} "
                          f"(only 'gate')", path)
    for key in ("l_max", "parity", "num_features"):
        if key not in config:
            raise ExportError(f"config has no {key} (models configured only by explicit irreps "
                              f"are not supported)", path)
    l_max = _get(config, "l_max", int, path)
    parity = _get(config, "parity", bool, path)
    num_features = _get(config, "num_features", int, path)
    avg = config.get("avg_num_neighbors")
    if avg is None or isinstance(avg, (str, bool)):
        raise ExportError(f"avg_num_neighbors must be a number, not {avg!r}", path)
    names = type_names(config, path)
    if "num_types" in config and config["num_types"] != len(names):
        raise ExportError(f"num_types = {config['num_types']} but {len(names)} type names", path)
    # Defaults are those of the nequip modules the values are passed to (the same in 0.5/0.6).
    return Hyper(
        type_names=names,
        r_max=_get(config, "r_max", float, path),
        num_layers=_get(config, "num_layers", int, path, 3),
        l_max=l_max,
        parity=parity,
        num_features=num_features,
        num_basis=_get(config, "num_basis", int, path, 8),
        invariant_layers=_get(config, "invariant_layers", int, path, 1),
        invariant_neurons=_get(config, "invariant_neurons", int, path, 8),
        polynomial_cutoff_p=_get(config, "PolynomialCutoff_p", float, path, 6.0),
        avg_num_neighbors=_get(config, "avg_num_neighbors", float, path),
        use_sc=_get(config, "use_sc", bool, path, True),
        resnet=_get(config, "resnet", bool, path, False),
        nonlinearity=_nonlinearities(config, nequip_version, path),
        irreps=_derived_irreps(config, l_max, parity, num_features, path),
        builders=builders,
    )
