"""pair_style mdgpu/nequip in LAMMPS (lammps/, docs/lammps.md) against `mdgpu eval`.

  /usr/bin/python3 tests/python/test_lammps_pair_style.py MDGPU MDGPU_LAMMPS

Energy, per-atom energies (compute pe/atom), forces and virial under mpirun -np 1, 2 and 4 equal
the standalone evaluation to float64 round-off, on a triclinic cell and a slab, with the 2-layer
reference NequIP model and the 4-layer Nequix model (three halo exchanges each way); a short NVE
run agrees across rank counts; bad input gets one LAMMPS ERROR line. Without the pair style
(MDGPU_LAMMPS is `-`) or mpirun every case prints `SKIPPED: <reason>`. The `device cuda` cases are
in test_lammps_pair_style_cuda.py, with these helpers.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

import report  # noqa: E402

sys.path.insert(0, str(REPO / "tools" / "lammps"))
from lammps_cell import lammps_cell  # noqa: E402

MDGPU, DRIVER = (sys.argv[1], sys.argv[2]) if len(sys.argv) > 2 else ("", "-")
DRIVER = DRIVER if DRIVER == "-" else str(Path(DRIVER).resolve())
SMALL_REF = REPO / "tests" / "data" / "nequip" / "small_seed0.h5"
NEQUIX = REPO / "inputs" / "models" / "nequix-mp-1" / "nequix-mp-1.mdgpu.h5"
PAPER_REF = Path(os.environ.get("MDGPU_SHARED", REPO.parent / "shared")) / "reference" / "nequip" / "paper_seed0.h5"
MASSES = {"Li": 6.94, "N": 14.007, "O": 15.999, "P": 30.974}  # amu
NKTV2P = 1.6021765e6  # LAMMPS metal units: bar per eV/Å^3 (force.cpp)
MPIRUN = shutil.which("mpirun")
# OpenMPI refuses root and more ranks than cores unless told; one OpenMP thread per rank.
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMP_NUM_THREADS="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")


def missing():
    if DRIVER == "-":
        return "the LAMMPS pair style was not built (" + (sys.argv[3] if len(sys.argv) > 3 else "") + ")"
    if not MPIRUN:
        return "no mpirun (Debian: openmpi-bin)"
    return None


def structure(name):
    """Reference structure `name`, rotated into LAMMPS's cell orientation: (symbols, positions, cell)."""
    with h5py.File(SMALL_REF, "r") as f:
        g = f["structures"][name]
        pos, cell = g["positions"][()], g["cell"][()]
        symbols = [s.decode() if isinstance(s, bytes) else str(s) for s in g["symbols"][()]]
    assert np.linalg.det(cell) > 0, name
    new = lammps_cell(cell)
    return symbols, pos @ np.linalg.solve(cell, new), new


def write_extxyz(path, symbols, pos, cell):
    lattice = " ".join(f"{v:.17g}" for v in cell.ravel())
    lines = [str(len(symbols)), f'Lattice="{lattice}" Properties=species:S:1:pos:R:3 pbc="T T T"']
    lines += [f"{s} {x:.17g} {y:.17g} {z:.17g}" for s, (x, y, z) in zip(symbols, pos)]
    Path(path).write_text("\n".join(lines) + "\n")


def write_data(path, symbols, pos, cell, species):
    (ax, _, _), (bx, by, _), (cx, cy, cz) = cell
    lines = ["mdgpu pair-style test", "", f"{len(symbols)} atoms", f"{len(species)} atom types", "",
             f"0 {ax:.17g} xlo xhi", f"0 {by:.17g} ylo yhi", f"0 {cz:.17g} zlo zhi", f"{bx:.17g} {cx:.17g} {cy:.17g} xy xz yz",
             "", "Masses", ""]
    lines += [f"{t + 1} {MASSES[s]}" for t, s in enumerate(species)]
    lines += ["", "Atoms # atomic", ""]
    lines += [f"{i + 1} {species.index(s) + 1} {x:.17g} {y:.17g} {z:.17g}" for i, (s, (x, y, z)) in enumerate(zip(symbols, pos))]
    Path(path).write_text("\n".join(lines) + "\n")


def mdgpu_eval(model, xyz, out):
    subprocess.run([MDGPU, "eval", "--model", str(model), "--precision", "float64", str(xyz), "-o", str(out)],
                   check=True, capture_output=True)
    lines = Path(out).read_text().splitlines()
    n = int(lines[0])
    energy = float(re.search(r"\benergy=(\S+)", lines[1]).group(1))
    stress = np.array(re.search(r'stress="([^"]+)"', lines[1]).group(1).split(), float).reshape(3, 3)
    rows = [line.split() for line in lines[2:2 + n]]
    forces = np.array([r[4:7] for r in rows], float)
    per_atom = np.array([r[7] for r in rows], float)
    return energy, per_atom, forces, stress


def lammps(tmp, ranks, script, name="in.lmp"):
    (Path(tmp) / name).write_text(script)
    return subprocess.run([MPIRUN, "-np", str(ranks), DRIVER, "-in", name, "-log", "none", "-screen", "screen.txt"],
                          cwd=tmp, env=ENV, capture_output=True, text=True, timeout=300)


def ran(tmp, r):
    """The screen of a run that must succeed; the case is skipped where `device cuda` is refused."""
    screen = (Path(tmp) / "screen.txt").read_text().splitlines()
    unavailable = [line for line in screen if "device cuda is not available" in line]
    if unavailable:
        raise unittest.SkipTest(unavailable[0])
    assert r.returncode == 0, (r.stdout, r.stderr)
    return screen


HEADER = """units {units}
atom_style atomic
boundary p p p
box tilt large
read_data data.lmp
pair_style mdgpu/nequip {style}
pair_coeff * * {model} {species}
neighbor 1.0 bin
"""


def header(model, species, units="metal", style="float64"):
    return HEADER.format(units=units, model=model, species=" ".join(species), style=style)


def lammps_eval(tmp, ranks, model, species, style="float64"):
    """Energy, per-atom energies, forces and virial of `pair_style mdgpu/nequip STYLE` on data.lmp."""
    script = header(model, species, style=style) + """
compute pe all pe/atom
compute w all pressure NULL virial
dump d all custom 1 forces.dump id fx fy fz c_pe
dump_modify d sort id format float %.17g
thermo_style custom step pe c_w[1] c_w[2] c_w[3] c_w[4] c_w[5] c_w[6] vol
thermo_modify format float %.17g
run 0
"""
    screen = ran(tmp, lammps(tmp, ranks, script))
    start = next(i for i, line in enumerate(screen) if line.split()[:2] == ["Step", "PotEng"])
    values = [float(v) for v in screen[start + 1].split()]
    pe, w, vol = values[1], values[2:8], values[8]
    xx, yy, zz, xy, xz, yz = (np.array(w) * vol / NKTV2P)
    virial = np.array([[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]])
    dump = (Path(tmp) / "forces.dump").read_text().splitlines()
    start = dump.index(next(line for line in dump if line.startswith("ITEM: ATOMS"))) + 1
    table = np.array([line.split() for line in dump[start:]], float)
    return pe, table[:, 4], table[:, 1:4], virial


def species_of(model_symbols):
    return sorted(set(model_symbols))


class Agreement(unittest.TestCase):
    def check(self, model, name, ranks=(1, 2, 4)):
        reason = missing()
        if reason:
            self.skipTest(reason)
        symbols, pos, cell = structure(name)
        species = species_of(symbols)
        with tempfile.TemporaryDirectory() as tmp:
            write_extxyz(Path(tmp) / "s.extxyz", symbols, pos, cell)
            write_data(Path(tmp) / "data.lmp", symbols, pos, cell, species)
            e, per_atom, forces, stress = mdgpu_eval(model, Path(tmp) / "s.extxyz", Path(tmp) / "eval.extxyz")
            virial = -stress * abs(np.linalg.det(cell))
            for n in ranks:
                pe, pe_atom, f, w = lammps_eval(tmp, n, model, species)
                print(f"  {name} {Path(model).name} np {n}: |dE| {abs(pe - e):.1e} |dE_i| {np.abs(pe_atom - per_atom).max():.1e} "
                      f"|dF| {np.abs(f - forces).max():.1e} |dW| {np.abs(w - virial).max():.1e}", flush=True)
                # Round-off of float64 sums in another order, and LAMMPS's 6-digit nktv2p both ways.
                self.assertLess(abs(pe - e), 1e-10 * abs(e))
                self.assertLess(np.abs(pe_atom - per_atom).max(), 1e-10 * np.abs(per_atom).max())
                self.assertLess(np.abs(f - forces).max(), 1e-10 * np.abs(forces).max())
                self.assertLess(np.abs(w - virial).max(), 1e-10 * np.abs(virial).max())

    @staticmethod
    def exported(case, reference):
        """The mdgpu model file of a NequIP reference file (tools/export_nequip.py)."""
        out = Path(tempfile.gettempdir()) / f"mdgpu-lammps-{reference.stem}-{os.getpid()}.mdgpu.h5"
        if not out.exists():
            subprocess.run([sys.executable, str(REPO / "tools" / "export_nequip.py"), str(reference), "-o", str(out),
                            "--force"], check=True, capture_output=True)
        case.addCleanup(lambda: out.unlink(missing_ok=True))
        return out

    @staticmethod
    def small_model(case):
        return Agreement.exported(case, SMALL_REF)

    def test_small_model_triclinic(self):
        self.check(Agreement.small_model(self), "triclinic24")

    def test_small_model_slab(self):
        self.check(Agreement.small_model(self), "slab64")

    def test_nequix_four_layers_triclinic(self):
        self.check(NEQUIX, "triclinic24")

    def test_paper_model_six_layers_four_ranks(self):
        """The paper-size reference model (6 layers, l <= 2, 64 features; in ../shared, not copied)."""
        if not PAPER_REF.exists():
            self.skipTest(f"{PAPER_REF} not present")
        self.check(Agreement.exported(self, PAPER_REF), "triclinic24", ranks=(4,))


def nve(tmp, ranks, model, species, steps, style="float64"):
    script = header(model, species, style=style) + f"""
velocity all create 600 4928459 dist gaussian loop geom
fix 1 all nve
timestep 0.0005
thermo_style custom step pe ke etotal
thermo_modify format float %.17g
thermo {steps}
dump d all custom {steps} traj.dump id xu yu zu
dump_modify d sort id format float %.17g
run {steps}
"""
    screen = ran(tmp, lammps(tmp, ranks, script, "nve.lmp"))
    start = next(i for i, line in enumerate(screen) if line.split()[:2] == ["Step", "PotEng"])
    thermo = np.array([screen[start + 1].split(), screen[start + 2].split()], float)
    dump = (Path(tmp) / "traj.dump").read_text().splitlines()
    last = max(i for i, line in enumerate(dump) if line.startswith("ITEM: ATOMS")) + 1
    return thermo, np.array([line.split()[1:] for line in dump[last:]], float)


class Dynamics(unittest.TestCase):
    def test_nve_agrees_across_rank_counts(self):
        reason = missing()
        if reason:
            self.skipTest(reason)
        symbols, pos, cell = structure("slab64")
        species = species_of(symbols)
        model = Agreement.small_model(self)
        steps = 200
        with tempfile.TemporaryDirectory() as tmp:
            write_data(Path(tmp) / "data.lmp", symbols, pos, cell, species)
            thermo1, x1 = nve(tmp, 1, model, species, steps)
            for n in (4,):
                thermo, x = nve(tmp, n, model, species, steps)
                print(f"  NVE {steps} steps, np {n} vs 1: |dx| {np.abs(x - x1).max():.1e} Å, "
                      f"|dE_total| {abs(thermo[1, 3] - thermo1[1, 3]):.1e} eV; drift np 1 "
                      f"{thermo1[1, 3] - thermo1[0, 3]:+.1e} eV", flush=True)
                self.assertEqual(thermo[0, 0], 0)
                self.assertEqual(thermo[1, 0], steps)
                # Round-off (1e-14) amplified over 200 steps of a chaotic system stays far below 1e-8.
                self.assertLess(np.abs(x - x1).max(), 1e-8)
                self.assertLess(abs(thermo[1, 3] - thermo1[1, 3]), 1e-8)


class BadInput(unittest.TestCase):
    """Each mistake ends LAMMPS with one ERROR line naming it, not a crash."""

    def error_of(self, model, species, extra="", units="metal", style="float64"):
        reason = missing()
        if reason:
            self.skipTest(reason)
        symbols, pos, cell = structure("triclinic24")
        with tempfile.TemporaryDirectory() as tmp:
            write_data(Path(tmp) / "data.lmp", symbols, pos, cell, species_of(symbols))
            script = extra + header(model, species, units, style) + "run 0\n"
            r = lammps(tmp, 2, script)
            screen = (Path(tmp) / "screen.txt").read_text() if (Path(tmp) / "screen.txt").exists() else ""
        errors = [line for line in (screen + r.stdout + r.stderr).splitlines() if line.startswith("ERROR")]
        if style.endswith("device cuda") and r.returncode == 0:
            self.skipTest("a CUDA device is visible here: device cuda runs")
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn("Segmentation", r.stdout + r.stderr)
        self.assertEqual(len(set(errors)), 1, screen + r.stdout + r.stderr)
        return errors[0]

    def test_unknown_species(self):
        error = self.error_of(NEQUIX, ["Li", "N", "O", "Xx"])
        self.assertIn("has no species 'Xx' (atom type 4)", error)

    def test_missing_model(self):
        error = self.error_of("/nonexistent/model.mdgpu.h5", ["Li", "N", "O", "P"])
        self.assertIn("/nonexistent/model.mdgpu.h5", error)

    def test_too_few_species(self):
        error = self.error_of(NEQUIX, ["Li", "N", "O"])
        self.assertIn("one species per atom type (4 types)", error)

    def test_units_not_metal(self):
        error = self.error_of(NEQUIX, ["Li", "N", "O", "P"], units="real")
        self.assertIn("requires units metal", error)

    def test_newton_off(self):
        error = self.error_of(NEQUIX, ["Li", "N", "O", "P"], "newton off\n")
        self.assertIn("requires newton pair on", error)

    def test_unknown_device(self):
        error = self.error_of(NEQUIX, ["Li", "N", "O", "P"], style="float64 device gpu")
        self.assertIn("unknown device 'gpu' (host or cuda)", error)

    def test_device_cuda_without_a_device(self):
        """mdgpu-lammps never sees the SIMT emulator's device; without a GPU (or the CUDA backend) it refuses."""
        error = self.error_of(NEQUIX, ["Li", "N", "O", "P"], style="float64 device cuda")
        self.assertIn("device cuda is not available: ", error)


if __name__ == "__main__":
    sys.exit(report.run(__name__))
