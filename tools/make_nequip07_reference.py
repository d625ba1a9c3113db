#!/usr/bin/env python3
"""Small NequIP GNN models made by nequip >= 0.7 itself, saved as nequip saves them (a Lightning
training checkpoint of NequIPLightningModule), and reference vectors that nequip computes with
them on the reference structures of tests/data/nequip/small_seed0.h5. Run once; the results are
committed in tests/data/nequip07/ (tools/requirements-nequip07.txt lists the versions).

  make_nequip07_reference.py STRUCTURES.h5 -o OUTDIR

For each model of MODELS: its builder config (nequip.model.NequIPGNNModel) with
model_dtype float32, weights drawn by nequip's own initialisation and then perturbed (so that
zero-initialised or symmetric weights cannot hide a convention), saved as MODEL.ckpt. The float32
reference is the checkpoint loaded back by nequip's ModelFromCheckpoint; the float64 reference
the same config with model_dtype float64 and the same weights widened. Schema of the NequIP
reference files: /structures, /reference, /reference_float32 (virial W = -V sigma).
"""
import argparse
import os
import warnings

import h5py
import lightning
import numpy as np
import torch

import nequip
from nequip.data import AtomicDataDict, compute_neighborlist_, from_ase
from nequip.data.transforms import ChemicalSpeciesToAtomTypeMapper
from nequip.model import ModelFromCheckpoint
from nequip.train import EMALightningModule, NequIPLightningModule
from nequip.utils import get_current_code_versions
from nequip.utils.global_state import set_global_state

import reference_file

STRUCTURES = ["li3n4", "cluster15", "triclinic24", "slab64", "lipon124"]

# Settings chosen to cover what a nequip >= 0.7 config can vary: l_max 1 and 2, parity on and
# off (0.7's parity=False keeps the natural parity of each l), 2 and 3 layers, per-l feature
# counts, a type embedding narrower than the features, radial MLPs of depth 1 and 2, trainable
# Bessel roots, per-type and global scales/shifts, and type orders that are not alphabetical.
# The second model is trained "with EMA" (nequip's EMALightningModule, as in nequip's tutorial
# config): the checkpoint holds raw weights and their moving average, and nequip evaluates the
# average.
EMA_MODELS = ("lmax2_noparity_2layers",)
MODELS = {
    "lmax1_parity_3layers": dict(
        seed=7, r_max=4.0, type_names=["Li", "P", "O", "N"], num_layers=3, l_max=1, parity=True,
        num_features=8, radial_mlp_depth=1, radial_mlp_width=16, num_bessels=8,
        polynomial_cutoff_p=6, avg_num_neighbors=11.5, bessel_trainable=True,
        per_type_energy_scales={"Li": 1.1, "P": 0.7, "O": 0.9, "N": 1.3},
        per_type_energy_shifts={"Li": -1.9, "P": -5.4, "O": -4.2, "N": -3.1}),
    "lmax2_noparity_2layers": dict(
        seed=11, r_max=3.6, type_names=["N", "Li", "O", "P"], num_layers=2, l_max=2, parity=False,
        num_features=[8, 6, 4], type_embed_num_features=6, radial_mlp_depth=2,
        radial_mlp_width=12, num_bessels=6, polynomial_cutoff_p=5, avg_num_neighbors=9.0,
        per_type_energy_scales=0.8, per_type_energy_shifts=-3.3),
}


def lightning_module(settings, dtype, target="nequip.model.NequIPGNNModel", ema=False):
    model = {"_target_": target, "model_dtype": dtype, **settings}
    module = EMALightningModule if ema else NequIPLightningModule
    info = {"versions": get_current_code_versions(verbose=False),
            "training_module": {"_target_": f"nequip.train.{module.__name__}"}}
    return module(model=model, num_datasets={"train": 1, "val": 0, "test": 0}, info_dict=info)


def perturb(module, seed):
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.model.named_parameters():
            noise = torch.randn(p.shape, generator=gen, dtype=torch.float64)
            if name.endswith("bessel_weights"):
                p.add_((0.05 * noise).to(p.dtype))
            else:
                p.mul_(1 + 0.3 * noise.to(p.dtype)).add_((0.2 * noise.flip(-1)).to(p.dtype))


def save_checkpoint(module, path):
    trainer = lightning.Trainer(logger=False, enable_checkpointing=False, accelerator="cpu",
                                enable_progress_bar=False, enable_model_summary=False)
    trainer.strategy.connect(module)
    trainer.save_checkpoint(path, weights_only=True)


def evaluate(model, atoms, settings):
    to_types = ChemicalSpeciesToAtomTypeMapper(model_type_names=settings["type_names"])
    data = compute_neighborlist_(to_types(from_ase(atoms)), settings["r_max"])
    out = model(data)
    n = len(atoms)
    result = {
        "total_energy": out[AtomicDataDict.TOTAL_ENERGY_KEY].detach().double().numpy().reshape(1),
        "per_atom_energy": out[AtomicDataDict.PER_ATOM_ENERGY_KEY].detach().double().numpy().reshape(n),
        "forces": out[AtomicDataDict.FORCE_KEY].detach().double().numpy().reshape(n, 3),
        "virial": out[AtomicDataDict.VIRIAL_KEY].detach().double().numpy().reshape(3, 3),
        "num_edges": np.array([data[AtomicDataDict.EDGE_INDEX_KEY].shape[1]]),
    }
    if atoms.pbc.any():
        result["stress"] = out[AtomicDataDict.STRESS_KEY].detach().double().numpy().reshape(3, 3)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("structures")
    parser.add_argument("-o", "--outdir", required=True)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    set_global_state()
    src = h5py.File(args.structures, "r")
    atoms = reference_file.read_structures(src, STRUCTURES)
    for model_name, settings in MODELS.items():
        ckpt = os.path.join(args.outdir, f"{model_name}.ckpt")
        ema = model_name in EMA_MODELS
        trained = lightning_module(settings, "float32", ema=ema)
        perturb(trained, settings["seed"])
        if ema:  # the average becomes these weights; the raw ones then move on
            trained.ema.update_parameters(trained.model)
            perturb(trained, settings["seed"] + 1)
        save_checkpoint(trained, ckpt)
        evaluated = ModelFromCheckpoint(ckpt)  # the weights nequip evaluates (the average with EMA)
        model32 = evaluated["sole_model"]
        wide = lightning_module(settings, "float64")
        wide.model.load_state_dict({k: v.double() if v.is_floating_point() else v
                                    for k, v in evaluated.state_dict().items()})
        model64 = wide.model["sole_model"]
        results = {"reference": {}, "reference_float32": {}}
        for name, a in atoms.items():
            results["reference"][name] = evaluate(model64, a, settings)
            results["reference_float32"][name] = evaluate(model32, a, settings)
        reference_file.write(os.path.join(args.outdir, f"{model_name}_reference.h5"),
                             {"model": os.path.basename(ckpt), "nequip_version": nequip.__version__,
                              "torch_version": torch.__version__,
                              "made_by": "tools/make_nequip07_reference.py"}, src, results)
        reference_file.summary(results, prefix=f"{model_name} ")


if __name__ == "__main__":
    main()
