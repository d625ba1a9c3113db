"""Read mdgpu trajectories with other people's readers and compare with what the engine held.

Usage: /usr/bin/python3 check_trajectories.py expected.json

expected.json: {"files": [{"path", "format" (netcdf | lammps-dump | extxyz), "unwrapped",
"float64", "extras" (velocities, forces and per-atom energies were written), "frames": [{"step",
"time", "cell" (rows), "symbols", "positions" (as held), "images", "velocities", "forces",
"energies"}]}]}.

What a file should hold is derived here, independently of mdgpu: positions folded into the cell
(image flags counting the folds) or unwrapped with the image counters; for readers that rebuild
the cell from lengths and angles or LAMMPS tilts, every vector mapped into the reader's cell
through fractional coordinates. Readers: netCDF4 (raw NetCDF variables and attributes), ASE
(NetCDF, LAMMPS dump, extxyz) and MDAnalysis (NetCDF, LAMMPS dump). Run by
tests/test_trajectory_formats.cpp; exits non-zero and prints every mismatch.
"""
import json
import sys
import warnings

import numpy as np
from ase.calculators.lammps import convert
from ase.data import atomic_numbers
from ase.geometry import cell_to_cellpar, cellpar_to_cell
from ase import units
from ase.io import read

warnings.filterwarnings("ignore")  # MDAnalysis warns about absent topology information
import MDAnalysis.coordinates.LAMMPS as mda_lammps  # noqa: E402
import MDAnalysis.coordinates.TRJ as mda_trj  # noqa: E402
import netCDF4  # noqa: E402
from MDAnalysis.lib.mdamath import triclinic_vectors  # noqa: E402

from held_frames import (F32, KCAL_PER_MOL_PER_EV, Checker, held_positions,  # noqa: E402
                         in_reader_frame, is_lammps_oriented)

# Lengths and angles -> cell vectors (trigonometry) loses a few ulps.
REBUILT_CELL_RTOL = 1e-12


def compare_vectors(c, got, want, h, h_reader, precision, what):
    """Exact where the writer rotated nothing (after float32 rounding for float32 files);
    otherwise to the rounding of the rotation, relative to the largest value."""
    want = np.asarray(want, dtype=float)
    scale = max(1.0, float(np.max(np.abs(want))))
    if is_lammps_oriented(h) and precision != "mdanalysis":
        if precision == "float32":
            want = want.astype(np.float32).astype(float)
        c.expect(np.array_equal(np.asarray(got, dtype=float), want), f"{what}: not the held values")
        return
    rel = {"float64": 1e-12, "float32": 4 * F32, "mdanalysis": 8 * F32}[precision]
    c.close(got, in_reader_frame(want, h, h_reader), rel * scale, what)


def check_cell(c, h_reader, h, rtol, what):
    """Same lengths and angles (the metric), and the reader's cell in LAMMPS orientation."""
    g, g_reader = h @ h.T, h_reader @ h_reader.T
    c.close(g_reader, g, rtol * np.max(np.abs(g)), f"{what}: cell metric")
    c.expect(abs(h_reader[0][1]) + abs(h_reader[0][2]) + abs(h_reader[1][2]) <= rtol * np.max(np.abs(h)),
             f"{what}: cell not in LAMMPS orientation")


def check_netcdf(c, spec):
    path, frames, n = spec["path"], spec["frames"], len(spec["frames"][0]["symbols"])
    precision = "float64" if spec["float64"] else "float32"
    real = np.float64 if spec["float64"] else np.float32
    with netCDF4.Dataset(path) as ds:
        ds.set_auto_maskandscale(False)
        c.expect(ds.data_model == "NETCDF3_64BIT_OFFSET", f"{path}: data model {ds.data_model}")
        c.expect(ds.Conventions == "AMBER" and ds.ConventionVersion == "1.0", f"{path}: conventions")
        c.expect(len(ds.dimensions["frame"]) == len(frames), f"{path}: frame count")
        c.expect(len(ds.dimensions["atom"]) == n, f"{path}: atom count")
        v = ds.variables
        c.expect(v["coordinates"].dtype == real and v["coordinates"].units == "angstrom",
                 f"{path}: coordinates type/units")
        c.expect(v["time"].units == "picosecond", f"{path}: time units")
        c.expect(list(v["atom_types"][:]) == [atomic_numbers[s] for s in frames[0]["symbols"]],
                 f"{path}: atom_types")
        if spec["extras"]:
            # AMBER's units, stated by `units` alone: no scale_factor for readers to apply or not.
            c.expect(v["forces"].units == "kilocalorie/mole/angstrom"
                     and "scale_factor" not in v["forces"].ncattrs(), f"{path}: force units")
            c.expect(v["velocities"].units == "angstrom/picosecond"
                     and "scale_factor" not in v["velocities"].ncattrs(), f"{path}: velocity units")
        for k, frame in enumerate(frames):
            tag = f"{path} frame {k}"
            h = np.array(frame["cell"])
            lengths, angles = v["cell_lengths"][k], v["cell_angles"][k]
            c.close(np.concatenate([lengths, angles]), cell_to_cellpar(h),
                    REBUILT_CELL_RTOL * 180, f"{tag}: cell lengths and angles")
            h_reader = cellpar_to_cell(np.concatenate([lengths, angles]))
            check_cell(c, h_reader, h, REBUILT_CELL_RTOL, tag)
            positions, _ = held_positions(frame, spec["unwrapped"])
            compare_vectors(c, v["coordinates"][k], positions, h, h_reader, precision, f"{tag}: coordinates")
            c.expect(v["step"][k] == frame["step"], f"{tag}: step")
            c.expect(v["time"][k] == real(frame["time"]), f"{tag}: time")
            if spec["extras"]:
                compare_vectors(c, v["velocities"][k], frame["velocities"], h, h_reader, precision,
                                f"{tag}: velocities")
                kcal = np.array(frame["forces"]) * KCAL_PER_MOL_PER_EV
                compare_vectors(c, v["forces"][k], kcal, h, h_reader,
                                "mdanalysis" if precision == "float32" else precision,
                                f"{tag}: forces (kcal/mol/Å stored)")
                want = np.array(frame["energies"], dtype=real)
                c.expect(np.array_equal(v["c_epot"][k], want), f"{tag}: c_epot")

    atoms = read(path, index=":", format="netcdftrajectory")
    c.expect(len(atoms) == len(frames), f"{path}: ASE reads {len(atoms)} frames")
    for k, (a, frame) in enumerate(zip(atoms, frames)):
        tag = f"{path} frame {k} (ASE)"
        h = np.array(frame["cell"])
        c.expect(a.get_chemical_symbols() == frame["symbols"], f"{tag}: symbols")
        check_cell(c, a.cell[:], h, REBUILT_CELL_RTOL, tag)
        positions, _ = held_positions(frame, spec["unwrapped"])
        compare_vectors(c, a.positions, positions, h, a.cell[:], precision, f"{tag}: positions")
        if spec["extras"]:
            # ASE takes the stored Å/ps for its own velocity unit and keeps the kcal/mol/Å forces
            # as a plain array: the conversions docs/input.md gives recover mdgpu's values.
            # ASE 3.22's kcal/mol uses CODATA 2014 constants (mdgpu 2018): 1e-8 apart.
            rel = 1e-7 if spec["float64"] else 8 * F32
            for got, want, what in [
                    (a.get_velocities() / (1000 * units.fs), np.array(frame["velocities"]) / (1000 * units.fs),
                     "velocities / (1000 ase.units.fs)"),
                    (a.arrays["forces"] * units.kcal / units.mol, frame["forces"],
                     "forces × ase.units.kcal / ase.units.mol")]:
                want = in_reader_frame(want, h, a.cell[:])
                c.close(got, want, rel * max(1.0, float(np.max(np.abs(want)))), f"{tag}: {what}")

    u = mda_trj.NCDFReader(path)
    c.expect(u.n_frames == len(frames), f"{path}: MDAnalysis reads {u.n_frames} frames")
    for k, (ts, frame) in enumerate(zip(u, frames)):
        tag = f"{path} frame {k} (MDAnalysis)"
        h = np.array(frame["cell"])
        h_reader = triclinic_vectors(ts.dimensions).astype(float)
        check_cell(c, h_reader, h, 8 * F32, tag)
        positions, _ = held_positions(frame, spec["unwrapped"])
        compare_vectors(c, ts.positions, positions, h, h_reader, "mdanalysis", f"{tag}: positions")
        c.close(ts.time, frame["time"], 8 * F32 * frame["time"], f"{tag}: time")
        if spec["extras"]:
            compare_vectors(c, ts.velocities, frame["velocities"], h, h_reader, "mdanalysis",
                            f"{tag}: velocities")
            # MDAnalysis reads kcal/mol/Å (as stored) and converts to kJ/mol/Å.
            kj = np.array(frame["forces"]) * KCAL_PER_MOL_PER_EV * 4.184
            compare_vectors(c, ts.forces, kj, h, h_reader, "mdanalysis", f"{tag}: forces")


def check_dump(c, spec):
    path, frames = spec["path"], spec["frames"]
    atoms = read(path, index=":", format="lammps-dump-text")
    c.expect(len(atoms) == len(frames), f"{path}: ASE reads {len(atoms)} frames")
    velocity_unit = convert(1.0, "velocity", "metal", "ASE")
    for k, (a, frame) in enumerate(zip(atoms, frames)):
        tag = f"{path} frame {k} (ASE)"
        h = np.array(frame["cell"])
        c.expect(a.get_chemical_symbols() == frame["symbols"], f"{tag}: symbols")
        c.expect(list(a.pbc) == [True, True, True], f"{tag}: pbc")
        check_cell(c, a.cell[:], h, 1e-14, tag)
        positions, _ = held_positions(frame, spec["unwrapped"])
        compare_vectors(c, a.positions, positions, h, a.cell[:], "float64", f"{tag}: positions")
        if spec["extras"]:
            # ASE converts metal velocities to its own unit: undo that to rounding.
            c.close(in_reader_frame(a.get_velocities() / velocity_unit, a.cell[:], h),
                    frame["velocities"], 1e-12 * 3, f"{tag}: velocities")
            compare_vectors(c, a.get_forces(), frame["forces"], h, a.cell[:], "float64", f"{tag}: forces")
            c.expect(np.array_equal(a.arrays["c_epot"][:, 0], frame["energies"]), f"{tag}: c_epot")

    for unwrap in [False, True] if not spec["unwrapped"] else [False]:
        u = mda_lammps.DumpReader(path, unwrap_images=unwrap)
        c.expect(u.n_frames == len(frames), f"{path}: MDAnalysis reads {u.n_frames} frames")
        for k, (ts, frame) in enumerate(zip(u, frames)):
            tag = f"{path} frame {k} (MDAnalysis{', unwrap_images' if unwrap else ''})"
            h = np.array(frame["cell"])
            c.expect(ts.data["step"] == frame["step"], f"{tag}: step")
            h_reader = triclinic_vectors(ts.dimensions).astype(float)
            check_cell(c, h_reader, h, 8 * F32, tag)
            positions, flags = held_positions(frame, spec["unwrapped"])
            if unwrap:
                # MDAnalysis unwraps with the box lengths only: meaningful for orthogonal cells.
                if np.count_nonzero(h - np.diag(np.diag(h))):
                    continue
                positions = positions + flags @ h
            compare_vectors(c, ts.positions, positions, h, h_reader, "mdanalysis", f"{tag}: positions")


def check_extxyz(c, spec):
    path, frames = spec["path"], spec["frames"]
    atoms = read(path, index=":", format="extxyz")
    c.expect(len(atoms) == len(frames), f"{path}: ASE reads {len(atoms)} frames")
    for k, (a, frame) in enumerate(zip(atoms, frames)):
        tag = f"{path} frame {k} (ASE)"
        c.expect(a.get_chemical_symbols() == frame["symbols"], f"{tag}: symbols")
        c.expect(np.array_equal(a.cell[:], frame["cell"]), f"{tag}: cell")
        positions, _ = held_positions(frame, spec["unwrapped"])
        c.expect(np.array_equal(a.positions, positions), f"{tag}: positions")
        c.expect(a.info["step"] == frame["step"] and a.info["time"] == frame["time"], f"{tag}: step/time")
        if spec["extras"]:
            c.expect(np.array_equal(a.arrays["velocities"], frame["velocities"]), f"{tag}: velocities")
            c.expect(np.array_equal(a.get_forces(), frame["forces"]), f"{tag}: forces")
            c.expect(np.array_equal(a.arrays["energies"], frame["energies"]), f"{tag}: energies")


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    c = Checker()
    checks = {"netcdf": check_netcdf, "lammps-dump": check_dump, "extxyz": check_extxyz}
    for file in spec["files"]:
        checks[file["format"]](c, file)
    if c.errors:
        print("\n".join(c.errors))
        return 1
    nframes = sum(len(f["frames"]) for f in spec["files"])
    print(f"{len(spec['files'])} files, {nframes} frames OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
