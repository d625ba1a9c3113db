"""Read the three kinds of NequIP model file into one shape: the state_dict tensors (numpy, in
their stored dtype), the config text and what the file says about itself.

- reference-h5: HDF5 with the state_dict under /model and the config in /model's `config_yaml`
  attribute (shared/reference/nequip); needs only h5py.
- checkpoint: a torch.save'd state_dict (zip with data.pkl), config given separately.
- lightning-checkpoint: nequip >= 0.7's training checkpoint (NequIPLightningModule, a torch.save'd
  dict holding the model's builder arguments under hyper_parameters.model and the state_dict).
- deployed: a nequip-deploy TorchScript archive (zip with code/ and constants.pkl) carrying its
  config and metadata as <archive>/extra/<key> entries.
"""
import pickle
import zipfile
from dataclasses import dataclass

import h5py

from .errors import ExportError

_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Source:
    kind: str                # reference-h5 | checkpoint | deployed | lightning-checkpoint
    path: str
    config_text: str
    config_path: str         # where the config came from, for error messages
    tensors: dict            # state_dict key -> numpy array
    nequip_version: str = None
    type_names: list = None  # from metadata outside the config, when the file has it
    trained_dtype: str = None
    model_config: dict = None  # lightning-checkpoint: the builder's arguments
    extra_state: dict = None   # lightning-checkpoint: state_dict entries that are not tensors


def _import_torch(kind, path):
    try:
        import torch
    except ImportError:
        raise ExportError(f"torch is needed to read a {kind}", path)
    return torch


def _numpy(state_dict):
    return {key: value.detach().cpu().numpy() for key, value in state_dict.items()}


def _dtype_of_weights(tensors):
    """The network's dtype, read off the chemical embedding (scale/shift may differ in 0.6)."""
    for key, value in tensors.items():
        if key.endswith("chemical_embedding.linear.weight"):
            return str(value.dtype)
    return None


def _read_reference_h5(path):
    try:
        with h5py.File(path, "r") as f:
            model = f.get("model")
            if not isinstance(model, h5py.Group) or "config_yaml" not in model.attrs:
                raise ExportError("no /model group with a config_yaml attribute "
                                  "(not a nequip reference file)", path)
            tensors = {key: ds[()] for key, ds in model.items() if isinstance(ds, h5py.Dataset)}
            attrs = dict(model.attrs)
    except OSError as err:
        raise ExportError(f"cannot read the HDF5 file ({err})", path)
    names = attrs.get("type_names")
    text = attrs["config_yaml"]
    return Source(kind="reference-h5", path=path,
                  config_text=text.decode("utf-8") if isinstance(text, bytes) else str(text),
                  config_path=path, tensors=tensors,
                  nequip_version=attrs.get("nequip_version"),
                  type_names=None if names is None else [str(n) for n in names],
                  trained_dtype=attrs.get("model_dtype"))


def _read_deployed(path):
    try:
        with zipfile.ZipFile(path) as archive:
            extra = {name.rsplit("/extra/", 1)[1]: archive.read(name).decode("utf-8")
                     for name in archive.namelist() if "/extra/" in name}
    except zipfile.BadZipFile as err:
        raise ExportError(f"damaged zip archive ({err})", path)
    if not extra.get("config"):
        raise ExportError("TorchScript archive has no extra/config (not built by nequip-deploy "
                          "0.5/0.6?)", path)
    torch = _import_torch("TorchScript archive", path)
    try:
        model = torch.jit.load(path, map_location="cpu")
    except RuntimeError as err:
        raise ExportError(f"torch.jit.load failed ({str(err).splitlines()[0]})", path)
    tensors = _numpy(model.state_dict())
    names = extra.get("type_names")
    return Source(kind="deployed", path=path, config_text=extra["config"], config_path=path,
                  tensors=tensors, nequip_version=extra.get("nequip_version") or None,
                  type_names=names.split() if names else None,
                  trained_dtype=_dtype_of_weights(tensors))


def _read_lightning(path, state, config_path):
    if config_path is not None:
        raise ExportError("--config is only for nequip 0.5/0.6 checkpoints: a nequip >= 0.7 "
                          "checkpoint carries its own config", path)
    hyper = state.get("hyper_parameters")
    model = hyper.get("model") if isinstance(hyper, dict) else None
    tensors = state.get("state_dict")
    if not isinstance(model, dict) or not isinstance(tensors, dict):
        raise ExportError("Lightning checkpoint without hyper_parameters.model and state_dict "
                          "(not made by nequip >= 0.7's NequIPLightningModule?)", path)
    info = hyper.get("info_dict") or {}
    versions = info.get("versions") if isinstance(info, dict) else None
    version = versions.get("nequip") if isinstance(versions, dict) else None
    import yaml
    torch = _import_torch("training checkpoint", path)
    return Source(kind="lightning-checkpoint", path=path,
                  config_text=yaml.safe_dump(model, sort_keys=False), config_path=path,
                  tensors=_numpy({k: v for k, v in tensors.items() if isinstance(v, torch.Tensor)}),
                  nequip_version=version, trained_dtype=model.get("model_dtype"),
                  model_config=model,
                  extra_state={k: v for k, v in tensors.items() if not isinstance(v, torch.Tensor)})


def _read_checkpoint(path, config_path):
    torch = _import_torch("training checkpoint", path)
    try:
        # weights_only: a checkpoint is a pickle, and must not run code while loading.
        state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise ExportError("torch.load(weights_only=True) refused it: the file holds more than "
                          "tensors and plain containers (a nequip 0.5/0.6 trainer checkpoint? "
                          "use best_model.pth)", path)
    except (RuntimeError, EOFError, zipfile.BadZipFile) as err:
        raise ExportError(f"torch.load failed ({str(err).splitlines()[0]})", path)
    if isinstance(state, dict) and "hyper_parameters" in state and "state_dict" in state:
        return _read_lightning(path, state, config_path)
    if not (isinstance(state, dict) and state
            and all(isinstance(v, torch.Tensor) for v in state.values())):
        raise ExportError("not a state_dict of tensors (a trainer.pth? use best_model.pth)", path)
    if config_path is None:
        raise ExportError("a training checkpoint needs its config.yaml (--config)", path)
    try:
        with open(config_path, encoding="utf-8") as f:
            config_text = f.read()
    except OSError as err:
        raise ExportError(f"cannot read the config ({err.strerror})", config_path)
    tensors = _numpy(state)
    return Source(kind="checkpoint", path=path, config_text=config_text,
                  config_path=config_path, tensors=tensors,
                  trained_dtype=_dtype_of_weights(tensors))


def _detect(path):
    try:
        with open(path, "rb") as f:
            magic = f.read(8)
    except OSError as err:
        raise ExportError(f"cannot read the model file ({err.strerror})", path)
    if magic == _HDF5_MAGIC:
        return "reference-h5"
    if magic[:4] != _ZIP_MAGIC:
        raise ExportError("not an HDF5 file, torch.save checkpoint or TorchScript archive", path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as err:
        raise ExportError(f"damaged zip archive ({err})", path)
    if any(name.endswith("/constants.pkl") for name in names):
        return "deployed"
    if any(name.endswith("/.data/version") for name in names):
        raise ExportError("a torch.package archive (nequip-package .nequip.zip) is not "
                          "supported: export the training checkpoint it was packaged from", path)
    if any(name.endswith("/data.pkl") for name in names):
        return "checkpoint"
    raise ExportError("zip archive is neither a torch.save file nor TorchScript", path)


def read(path, config_path=None):
    """Detect the kind of `path` from its content and read it."""
    kind = _detect(path)
    if kind == "checkpoint":
        return _read_checkpoint(path, config_path)
    if config_path is not None:
        raise ExportError(f"--config is only for training checkpoints: a {kind} file carries "
                          f"its own config", path)
    return _read_reference_h5(path) if kind == "reference-h5" else _read_deployed(path)
