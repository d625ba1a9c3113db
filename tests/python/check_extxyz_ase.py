"""Read mdgpu-written extxyz files with ASE and compare with what the writer was given.

Usage: /usr/bin/python3 check_extxyz_ase.py expected.json

expected.json: {"files": [{"path": ..., "frames": [{"symbols", "positions", "cell" (rows or
null), "pbc", "velocities" (Å/ps or null), "forces", "energy", "energies", "step", "time"}]}]}.
Run by tests/test_extxyz.cpp; exits non-zero and prints every mismatch when ASE disagrees.
"""
import json
import sys

import numpy as np
from ase import units
from ase.io import read

# ASE velocities are Å per ASE time unit; units.fs is 1 fs in that unit, 1 ps is 1000 fs.
ASE_TIME_UNITS_PER_PS = 1000.0 * units.fs


def check_frame(atoms, want, tag, errors):
    def expect(ok, what):
        if not ok:
            errors.append(f"{tag}: {what}")

    expect(atoms.get_chemical_symbols() == want["symbols"], "symbols differ")
    # Positions, cell, forces and energies were written as shortest round-trip decimals, so
    # ASE's float parsing must give back the same doubles.
    expect(np.array_equal(atoms.positions, np.array(want["positions"])), "positions differ")
    if want["cell"] is None:
        expect(not atoms.cell.any(), f"expected no cell, got {atoms.cell[:]}")
    else:
        expect(np.array_equal(atoms.cell[:], np.array(want["cell"])), "cell differs")
    expect(list(atoms.pbc) == want["pbc"], f"pbc {list(atoms.pbc)} != {want['pbc']}")
    if want["velocities"] is None:
        expect("momenta" not in atoms.arrays, "unexpected momenta")
    else:
        v = atoms.get_velocities() * ASE_TIME_UNITS_PER_PS
        # Only the CODATA versions (ASE 2014, mdgpu 2018) separate these.
        expect(np.allclose(v, want["velocities"], rtol=1e-7, atol=1e-12),
               f"velocities differ by up to {np.max(np.abs(v - want['velocities']))}")
        expect(np.array_equal(atoms.arrays["velocities"], np.array(want["velocities"])),
               "velocities column differs")
    if want["forces"] is not None:
        expect(np.array_equal(atoms.get_forces(), np.array(want["forces"])), "forces differ")
    if want["energy"] is not None:
        expect(atoms.get_potential_energy() == want["energy"], "energy differs")
    if want["energies"] is not None:
        expect(np.array_equal(atoms.get_potential_energies(), np.array(want["energies"])),
               "per-atom energies differ")
    expect(atoms.info.get("step") == want["step"], f"step {atoms.info.get('step')}")
    expect(atoms.info.get("time") == want["time"], f"time {atoms.info.get('time')}")


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    errors = []
    nframes = 0
    for case in spec["files"]:
        frames = read(case["path"], index=":", format="extxyz")
        if len(frames) != len(case["frames"]):
            errors.append(f"{case['path']}: {len(frames)} frames, expected {len(case['frames'])}")
            continue
        for k, (atoms, want) in enumerate(zip(frames, case["frames"])):
            check_frame(atoms, want, f"{case['path']} frame {k}", errors)
            nframes += 1
    if errors:
        print("\n".join(errors))
        return 1
    print(f"{len(spec['files'])} files, {nframes} frames OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
