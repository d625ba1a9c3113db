#!/usr/bin/env python3
"""Writes the restart-checkpoint-* cases whose checkpoint is a real one with one value damaged:
it runs mdgpu on the two-argon-atom input the other cases use, then edits a copy of the
checkpoint with h5py per case. Run it again (Debian's python3-h5py) when the checkpoint format
changes:

  /usr/bin/python3 tests/bad_inputs/make_restart_cases.py build/mdgpu
"""
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

HERE = Path(__file__).resolve().parent
STRUCTURE = ('2\nLattice="10 0 0 0 10 0 0 0 10" Properties=species:S:1:pos:R:3 pbc="T T T"\n'
             'Ar 0 0 0\nAr 3.8 0 0\n')


def input_text(trajectory=True, timestep="1.0", extra=""):
    return ('[system]\nstructure = "s.extxyz"\n[potential]\nkind = "lj"\ncutoff = 4.9\n'
            'pairs = [ { species = ["Ar", "Ar"], epsilon = 0.0104, sigma = 3.40 } ]\n'
            f'[[stage]]\nensemble = "nve"\ntimestep_fs = {timestep}\nsteps = 20\n'
            '[output]\ncheckpoint = { path = "run.ckpt.h5", every = 10 }\n'
            + ('trajectory = { path = "traj.extxyz", every = 5 }\n' if trajectory else "") + extra)


INPUT = input_text()


def set_attr(obj, name, value):
    return lambda f: f[obj].attrs.__setitem__(name, value)


def set_value(dataset, index, value):
    def edit(f):
        data = f[dataset][()]
        data[index] = value
        f[dataset][...] = data
    return edit


# name: (edit of the checkpoint, expected fragments, input text of the restart)
CASES = {
    "restart-checkpoint-negative-step": (set_attr("state", "step", np.int64(-5)), ["step -5 is negative"], INPUT),
    "restart-checkpoint-negative-stage-step": (set_attr("state", "stage_step", np.int64(-1)), ["step -1 of stage 1"], INPUT),
    "restart-checkpoint-stage-step-past-the-end": (set_attr("state", "stage_step", np.int64(21)), ["step 21 of stage 1"], INPUT),
    "restart-checkpoint-nan-time": (set_attr("state", "time_ps", np.float64("nan")), ["the time is nan"], INPUT),
    "restart-checkpoint-negative-time": (set_attr("state", "time_ps", np.float64(-1.0)), ["negative"], INPUT),
    "restart-checkpoint-nan-position": (set_value("atoms/positions", (1, 0), np.nan), ["atom 2 has non-finite position"], INPUT),
    "restart-checkpoint-infinite-velocity": (set_value("atoms/velocities", (0, 2), np.inf), ["atom 1 has non-finite velocity"], INPUT),
    "restart-checkpoint-image-counter-overflow": (set_value("atoms/images", (1, 0), 2**40), ["atom 2 has image counter 1099511627776"], INPUT),
    "restart-checkpoint-negative-type": (set_value("atoms/types", 0, -1), ["atom 1 has no species"], INPUT),
    "restart-checkpoint-stage-index-beyond": (set_attr("state", "stage", np.int64(2**40)), ["stage index is damaged"], INPUT),
    "restart-checkpoint-version-from-the-future": (lambda f: f.attrs.__setitem__("version", np.int64(99)), ["version 99"], INPUT),
    "restart-input-dropped-a-trajectory": (None, ["output.trajectory[1]", "no longer"], input_text(trajectory=False)),
    "restart-input-changed-the-skin": (None, ["neighbor list used cut-off", "skin"], input_text(extra="[neighbor]\nskin = 2.0\n")),
    "restart-input-changed-the-time-step": (None, ["stage[1] was"], input_text(timestep="2.0")),
}


def main(mdgpu):
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp)
        (run / "s.extxyz").write_text(STRUCTURE)
        (run / "in.toml").write_text(INPUT)
        subprocess.run([mdgpu, "run", "-q", "in.toml"], cwd=run, check=True)
        # The undamaged checkpoint (the end of the run) restarts: each case breaks one thing only.
        subprocess.run([mdgpu, "run", "--dry-run", "--restart", "run.ckpt.h5", "in.toml"], cwd=run,
                       check=True, stdout=subprocess.DEVNULL)
        for name, (edit, expect, text) in CASES.items():
            case = HERE / name
            shutil.rmtree(case, ignore_errors=True)
            case.mkdir()
            for f in ("s.extxyz", "thermo.csv", "traj.extxyz", "run.ckpt.h5"):
                shutil.copy(run / f, case / f)
            if edit:
                with h5py.File(case / "run.ckpt.h5", "r+") as f:
                    edit(f)
            header = "".join(f"# expect: {e}\n" for e in ["run.ckpt.h5", *expect])
            (case / "in.toml").write_text(header + "# args: --restart run.ckpt.h5\n" + text)


if __name__ == "__main__":
    main(str(Path(sys.argv[1]).resolve()))
