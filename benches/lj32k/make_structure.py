#!/usr/bin/env python3
"""Writes lj32k.extxyz: fcc argon, 20x20x20 cells (32,000 atoms) at rho sigma^3 = 0.8442
(sigma = 3.40 A), the lattice LAMMPS's in.lj32k builds with `lattice fcc` / `create_atoms`."""
import pathlib

CELLS = 20
SIGMA = 3.40                          # A
A = SIGMA * (4.0 / 0.8442) ** (1 / 3)  # fcc lattice constant, A
BASIS = ((0, 0, 0), (0.5, 0.5, 0), (0.5, 0, 0.5), (0, 0.5, 0.5))

out = pathlib.Path(__file__).with_name("lj32k.extxyz")
length = A * CELLS
lines = [str(4 * CELLS**3),
         f'Lattice="{length:.10f} 0 0 0 {length:.10f} 0 0 0 {length:.10f}" '
         'Properties=species:S:1:pos:R:3 pbc="T T T"']
for i in range(CELLS):
    for j in range(CELLS):
        for k in range(CELLS):
            for b in BASIS:
                lines.append(f"Ar {(i + b[0]) * A:.10f} {(j + b[1]) * A:.10f} {(k + b[2]) * A:.10f}")
out.write_text("\n".join(lines) + "\n")
print(f"wrote {out} (a = {A:.6f} A)")
