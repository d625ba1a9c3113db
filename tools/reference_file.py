"""The reference files that tools/make_*_reference.py write for the NequIP family: structures
copied from a NequIP reference file, and per structure the float64 (`/reference`) and float32
(`/reference_float32`) results of the reference code, in the schema tests/nequip_fixture.hpp reads."""
import ase
import h5py
import numpy as np

SYMBOLS = ["Li", "N", "O", "P"]  # atom_types of the reference structures


def read_structures(src, names):
    """{name: ase.Atoms} of /structures/<name> in the open HDF5 file src."""
    atoms = {}
    for name in names:
        s = src["structures"][name]
        atoms[name] = ase.Atoms([SYMBOLS[t] for t in s["atom_types"][()]], positions=s["positions"][()],
                                cell=s["cell"][()], pbc=np.asarray(s["pbc"][()], bool))
    return atoms


def write(path, attrs, src, results):
    """results: {"reference"|"reference_float32": {structure: {quantity: array}}}."""
    with h5py.File(path, "w") as f:
        for key, value in attrs.items():
            f.attrs[key] = str(value)
        for name in results["reference"]:
            src.copy(src["structures"][name], f, f"structures/{name}")
        for group, by_name in results.items():
            for name, values in by_name.items():
                for key, v in values.items():
                    f.create_dataset(f"{group}/{name}/{key}", data=v)


def summary(results, prefix=""):
    for name, a in results["reference"].items():
        b = results["reference_float32"][name]
        print(f"{prefix}{name}: {len(a['forces'])} atoms, {a['num_edges'][0]} edges, E {a['total_energy'][0]:.6f} eV "
              f"(float32 {b['total_energy'][0] - a['total_energy'][0]:+.1e}), "
              f"max|F| {np.abs(a['forces']).max():.3f} (float32 {np.abs(b['forces'] - a['forces']).max():.1e})")
