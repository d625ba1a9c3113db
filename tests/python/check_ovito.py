"""Read mdgpu trajectories with OVITO's own Python module (ovito.io.import_file, PyPI `ovito`) and
compare with what the engine held: frame count, species, cell, positions (wrapped with image
flags, or unwrapped), velocities, forces, per-atom energies and time, for every file of
expected.json (see check_trajectories.py and held_frames.py).

Usage: .venv/bin/python check_ovito.py expected.json   (run by tests/test_trajectory_formats.cpp)
OVITO does not convert units: NetCDF forces come as stored, in AMBER's kcal/mol/Å; NetCDF types are
atomic numbers (OVITO names no types there).
"""
import json
import sys

import numpy as np
from ovito.io import import_file

from held_frames import (F32, KCAL_PER_MOL_PER_EV, Checker, held_positions, in_reader_frame,
                         is_lammps_oriented)

ATOMIC_NUMBERS = {"Li": 3, "N": 7, "O": 8, "P": 15}


def prop(particles, *names):
    for name in names:
        if name in particles.keys():
            return np.asarray(particles[name][...], dtype=float)
    return None


def check_file(c, spec):
    path, frames, fmt = spec["path"], spec["frames"], spec["format"]
    pipeline = import_file(path)
    c.expect(pipeline.num_frames == len(frames),
             f"{path}: OVITO reads {pipeline.num_frames} frames")
    f32 = fmt == "netcdf" and not spec["float64"]
    rel = 8 * F32 if f32 else 1e-12
    for k, frame in enumerate(frames):
        tag = f"{path} frame {k} (OVITO)"
        data = pipeline.compute(k)
        p = data.particles
        h = np.array(frame["cell"])
        h_reader = np.asarray(data.cell[...], dtype=float)[:, :3].T  # columns are a, b, c
        g, g_reader = h @ h.T, h_reader @ h_reader.T
        c.close(g_reader, g, 1e-10 * np.max(np.abs(g)), f"{tag}: cell metric")
        c.expect(list(data.cell.pbc) == [True, True, True], f"{tag}: periodic")
        types = p["Particle Type"]
        if fmt == "netcdf":
            c.expect(list(types[...]) == [ATOMIC_NUMBERS[s] for s in frame["symbols"]],
                     f"{tag}: types are not the atomic numbers")
        else:
            names = [types.type_by_id(t).name for t in types[...]]
            c.expect(names == frame["symbols"], f"{tag}: species {names}")
        positions, flags = held_positions(frame, spec["unwrapped"])
        want = in_reader_frame(positions, h, h_reader) + np.asarray(
            data.cell[...], dtype=float)[:, 3]
        scale = max(1.0, float(np.max(np.abs(want))))
        c.close(p.positions[...], want, rel * scale * 4, f"{tag}: positions")
        image = prop(p, "Periodic Image")
        if fmt == "lammps-dump" and not spec["unwrapped"]:
            c.expect(image is not None and np.array_equal(image, flags), f"{tag}: image flags")
        if spec["extras"]:
            # OVITO names extxyz columns it does not know after the file (velocities: mdgpu's
            # Å/ps column; OVITO's own Velocity comes from QUIP's `velo`).
            for names, want, factor in [(("Velocity", "velocities"), frame["velocities"], 1.0),
                                        (("Force",), frame["forces"],
                                         KCAL_PER_MOL_PER_EV if fmt == "netcdf" else 1.0)]:
                name = names[0]
                got = prop(p, *names)
                c.expect(got is not None, f"{tag}: no {name}")
                if got is not None:
                    w = in_reader_frame(np.array(want) * factor, h, h_reader)
                    c.close(got, w, rel * 4 * max(1.0, float(np.max(np.abs(w)))), f"{tag}: {name}")
            energies = prop(p, "Potential Energy", "energies", "c_epot")
            c.expect(energies is not None, f"{tag}: no per-atom energies ({list(p.keys())})")
            if energies is not None:
                c.close(energies.reshape(-1), frame["energies"], rel * 8, f"{tag}: energies")
        attrs = data.attributes
        if fmt == "lammps-dump":
            c.expect(attrs.get("Timestep") == frame["step"], f"{tag}: step {attrs.get('Timestep')}")
        else:
            time = attrs.get("time", attrs.get("Time"))
            c.expect(time is not None and abs(time - frame["time"]) <= 8 * F32 * max(1, frame["time"]),
                     f"{tag}: time {time}")
        if is_lammps_oriented(h) and fmt != "netcdf":
            c.close(h_reader, h, 1e-12 * np.max(np.abs(h)), f"{tag}: cell as held")


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    c = Checker()
    for file in spec["files"]:
        check_file(c, file)
    if c.errors:
        print("\n".join(c.errors))
        return 1
    print(f"OVITO: {len(spec['files'])} files, {sum(len(f['frames']) for f in spec['files'])} "
          f"frames OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
