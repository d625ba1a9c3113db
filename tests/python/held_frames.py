"""What a trajectory file should hold, derived from what the engine held (expected.json of
tests/test_trajectory_formats.cpp), independently of mdgpu; shared by the checks that read the files
with other people's readers (check_trajectories.py: ASE, MDAnalysis, netCDF4; check_ovito.py).
Needs numpy only.
"""
import numpy as np

KCAL_PER_MOL_PER_EV = 1.602176634e-19 * 6.02214076e23 / 4184.0
F32 = 2.0 ** -24  # relative rounding of float32


class Checker:
    def __init__(self):
        self.errors = []

    def expect(self, ok, what):
        if not ok:
            self.errors.append(what)

    def close(self, got, want, atol, what):
        got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
        if got.shape != want.shape:
            self.errors.append(f"{what}: shape {got.shape}, expected {want.shape}")
            return
        err = np.max(np.abs(got - want)) if got.size else 0.0
        self.expect(err <= atol, f"{what}: differs by {err:.3g} (allowed {atol:.3g})")


def held_positions(frame, unwrapped):
    """Positions and image flags the file should hold, in the engine's frame and arithmetic:
    r - (n0 a + n1 b + n2 c), summed left to right."""
    h = np.array(frame["cell"])
    r = np.array(frame["positions"])
    images = np.array(frame["images"])
    if unwrapped:
        shift, flags = -images, np.zeros_like(images)
    else:
        shift = np.floor(r @ np.linalg.inv(h)).astype(int)
        flags = images + shift
    d = np.array([[s[0] * h[0][j] + s[1] * h[1][j] + s[2] * h[2][j] for j in range(3)]
                  for s in shift])
    return r - d, flags


def is_lammps_oriented(h):
    return h[0][1] == 0 and h[0][2] == 0 and h[1][2] == 0 and min(h[0][0], h[1][1], h[2][2]) > 0


def in_reader_frame(vectors, h, h_reader):
    """Vectors of the engine's frame expressed in a reader's rotated cell."""
    return np.asarray(vectors) @ np.linalg.inv(h) @ h_reader
