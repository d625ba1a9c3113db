"""A cell in LAMMPS's orientation: the lower-triangular rows LAMMPS keeps (a along x, b in the xy
plane), with the same lengths and angles. Shared by tools/lammps/npt_pair_style.py and
tests/python/test_lammps_pair_style.py."""
import numpy as np


def lammps_cell(cell):
    a, b, c = np.asarray(cell, float)
    ax = np.linalg.norm(a)
    bx = b @ a / ax
    by = np.sqrt(b @ b - bx * bx)
    cx = c @ a / ax
    cy = (b @ c - bx * cx) / by
    cz = np.sqrt(c @ c - cx * cx - cy * cy)
    return np.array([[ax, 0, 0], [bx, by, 0], [cx, cy, cz]])
