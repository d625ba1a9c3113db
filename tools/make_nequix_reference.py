#!/usr/bin/env python3
"""Reference vectors of a Nequix model computed by Nequix itself (its JAX model, float64 and
float32) on the reference structures of tests/data/nequip/small_seed0.h5, written with the same
schema (/structures, /reference, /reference_float32) so tests/test_nequix_reference.cpp reads
them like the NequIP references. Run once; the result is committed in tests/data/nequix/.

  make_nequix_reference.py MODEL.nqx STRUCTURES.h5 -o OUT.h5 [--structures a,b,...]

The graph is built here (matscipy, as Nequix's calculator does) and passed to the model's own
__call__, which differentiates the energy for forces and, with a cell, the strain derivative for
the stress. A cell is passed for any periodic structure (Nequix's calculator passes none unless
all three directions are periodic, which drops the periodic images of a slab). Needs the refs
venv (tools/requirements-nequix.txt).
"""
import argparse
import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import equinox as eqx  # noqa: E402
import h5py  # noqa: E402
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jraph  # noqa: E402
import matscipy.neighbours  # noqa: E402
import numpy as np  # noqa: E402
from nequix.data import atomic_numbers_to_indices, dict_to_graphstuple  # noqa: E402
from nequix.model import load_model  # noqa: E402

import reference_file  # noqa: E402


def graph(atoms, index, cutoff, dtype):
    cell = np.array(atoms.cell)
    periodic = bool(atoms.pbc.any())
    pos = atoms.positions
    if periodic:
        i, j, S = matscipy.neighbours.neighbour_list("ijS", positions=pos, cell=cell, pbc=atoms.pbc, cutoff=cutoff)
    else:  # matscipy needs a cell; a box around the cluster
        box = np.diag(np.ptp(pos, axis=0) + 2 * cutoff + 1.0)
        i, j, S = matscipy.neighbours.neighbour_list("ijS", positions=pos - pos.min(0) + cutoff, cell=box,
                                                     pbc=[False] * 3, cutoff=cutoff)
    return dict_to_graphstuple({
        "n_node": np.array([len(atoms)], np.int32), "n_edge": np.array([len(i)], np.int32),
        "senders": j.astype(np.int32), "receivers": i.astype(np.int32),
        "species": np.array([index[z] for z in atoms.numbers], np.int32),
        "positions": pos.astype(dtype), "shifts": S.astype(dtype),
        "cell": cell.astype(dtype) if periodic else None,
    })


def evaluate(model, atoms, index, cutoff, dtype):
    g = graph(atoms, index, cutoff, dtype)
    n = len(atoms)
    # Nequix masks the last graph of a batch as padding (jraph's convention): add one, as its
    # calculator does, and keep the first graph's results.
    padded = jraph.pad_with_graphs(g, n_node=n + 1, n_edge=int(g.n_edge[0]), n_graph=2)
    energy, forces, stress = eqx.filter_jit(model)(padded)
    forces = forces[:n]
    stress = None if stress is None else stress[:1]
    r = g.nodes["positions"][g.senders] - g.nodes["positions"][g.receivers]
    if g.globals["cell"] is not None:
        r = r + g.edges["shifts"] @ g.globals["cell"][0]
    per_atom = eqx.filter_jit(model.node_energies)(r, g.nodes["species"], g.senders, g.receivers)[:, 0]
    out = {"total_energy": np.array([float(energy[0])]), "per_atom_energy": np.asarray(per_atom, np.float64),
           "forces": np.asarray(forces, np.float64), "num_edges": np.array([len(g.senders)])}
    volume = abs(np.linalg.det(np.array(atoms.cell))) if atoms.pbc.any() else 0.0
    if stress is not None:
        s = np.asarray(stress[0], np.float64)
        out["stress"] = s
        out["virial"] = -s * volume  # mdgpu's W = -V sigma (sigma = (1/V) dE/d strain, ASE's sign)
    else:  # no cell: W = -sum_ij dE/dr_ij (x) r_ij from the edge gradients
        def energy_of(rr):
            return jnp.sum(model.node_energies(rr, g.nodes["species"], g.senders, g.receivers))
        gr = jax.jit(jax.grad(energy_of))(r)
        out["virial"] = -np.einsum("ei,ej->ij", np.asarray(gr, np.float64), np.asarray(r, np.float64))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("structures")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--structures", dest="names", default="li3n4,cluster15,triclinic24,slab64,lipon124")
    args = parser.parse_args()

    model32, config = load_model(args.model)
    index = atomic_numbers_to_indices(config["atomic_numbers"])
    cutoff = config["cutoff"]
    src = h5py.File(args.structures, "r")
    atoms = reference_file.read_structures(src, args.names.split(","))
    results = {"reference_float32": {}, "reference": {}}
    for name, a in atoms.items():
        results["reference_float32"][name] = evaluate(model32, a, index, cutoff, np.float32)
        print(f"{name}: float32 done", flush=True)
    jax.config.update("jax_enable_x64", True)
    model64 = jax.tree.map(lambda x: x.astype(jnp.float64) if eqx.is_inexact_array(x) else x, model32)
    for name, a in atoms.items():
        results["reference"][name] = evaluate(model64, a, index, cutoff, np.float64)
        print(f"{name}: float64 done", flush=True)

    from importlib.metadata import version
    reference_file.write(args.output, {"model": os.path.basename(args.model), "nequix_version": version("nequix"),
                                       "jax_version": jax.__version__, "made_by": "tools/make_nequix_reference.py"},
                         src, results)
    reference_file.summary(results)


if __name__ == "__main__":
    main()
