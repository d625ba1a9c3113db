#!/usr/bin/python3
"""Regenerate the LAMMPS reference data in tests/data/lammps/.

Run with Debian's python3 (needs python3-numpy and python3-ase), not a pyenv one:

    /usr/bin/python3 tools/lammps/make_reference.py            # everything
    /usr/bin/python3 tools/lammps/make_reference.py --skip-nvt # NVE only (seconds)

Deterministic: structures and velocities come from seeded numpy RNGs, LAMMPS runs
serially. See tools/lammps/README.md for what each output file is.
"""

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from ase.data import atomic_masses_iupac2016

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OUTDIR = os.path.join(REPO, "tests", "data", "lammps")

# ---- physical parameters ---------------------------------------------------------
MASS_AR = float(atomic_masses_iupac2016[18])  # 39.948 amu (what mdgpu uses)
EPSILON = 0.0104  # eV
SIGMA = 3.40  # Angstrom
RCUT = 8.5  # Angstrom
SKIN = 1.0  # Angstrom
DENSITY = 1.374  # g/cm^3 (Rahman 1964 liquid argon)
T_INIT = 100.0  # K
DT = 0.002  # ps
N_NVE = 200

# CODATA-2018 metal-unit constants (what mdgpu uses) -- used only to build the
# initial velocities. LAMMPS uses its own (older) values, see README.md.
AVOGADRO = 6.02214076e23
KB_CODATA = 8.617333262e-5  # eV/K
MVV2E_CODATA = 1.0364269656e-4  # amu A^2/ps^2 -> eV
NKTV2P_CODATA = 1.602176634e6
KB_LAMMPS = 8.617343e-5
MVV2E_LAMMPS = 1.0364269e-4
NKTV2P_LAMMPS = 1.6021765e6

# ---- systems ----------------------------------------------------------------------
# fcc conventional lattice constant from the density (4 atoms per cubic cell)
A_FCC = (4.0 * MASS_AR / (DENSITY * AVOGADRO) * 1e24) ** (1.0 / 3.0)

SYSTEMS = {
    # name: cell rows in units of the fcc lattice constant (every row is an fcc
    # lattice vector, so the lattice is commensurate with the cell), RNG seed
    "lj_ortho": dict(cell=[[5, 0, 0], [0, 5, 0], [0, 0, 5]], seed=20240601),
    # restricted triclinic: xy = +1.0 a (20% of lx), xz = +0.5 a (10%),
    # yz = -0.5 a (-10% of ly); 5*5*4*4 = 400 atoms
    "lj_triclinic": dict(cell=[[5, 0, 0], [1, 5, 0], [0.5, -0.5, 4]], seed=20240602),
}
DISPLACEMENT = 0.3  # Angstrom, RMS length of the Gaussian displacement vector
                   # (per-axis std DISPLACEMENT/sqrt(3))

NVT_EQ_DEFAULT = 2000
NVT_PROD_DEFAULT = 20000
NVT_BLOCK = 1000  # steps per block for the block-averaging standard errors
NVT_CSV_EVERY = 20  # steps between rows of the committed NVT thermo csv


def fmt(x):
    """Shortest round-trip repr of a double (identical text in data and extxyz)."""
    r = repr(float(x))
    assert float(r) == float(x)
    return r


def make_structure(name, cell_rows, seed):
    H = A_FCC * np.array(cell_rows, dtype=float)  # rows a, b, c
    # LAMMPS restricted triclinic form
    assert H[0, 1] == 0 and H[0, 2] == 0 and H[1, 2] == 0
    lx, ly, lz = H[0, 0], H[1, 1], H[2, 2]
    xy, xz, yz = H[1, 0], H[2, 0], H[2, 1]
    assert abs(xy) <= 0.5 * lx and abs(xz) <= 0.5 * lx and abs(yz) <= 0.5 * ly
    vol = abs(np.linalg.det(H))
    # perpendicular widths: distance between opposite faces
    a, b, c = H
    widths = [vol / np.linalg.norm(np.cross(b, c)), vol / np.linalg.norm(np.cross(c, a)),
              vol / np.linalg.norm(np.cross(a, b))]
    assert min(widths) > 2 * (RCUT + SKIN), (name, widths)

    # fcc sites (in units of a): simple-cubic points plus face centres
    basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
    rng_lat = range(-8, 9)
    pts = np.array([[i, j, k] for i in rng_lat for j in rng_lat for k in rng_lat], float)
    sites = (pts[:, None, :] + basis[None, :, :]).reshape(-1, 3) * A_FCC
    Hinv = np.linalg.inv(H)
    s = sites @ Hinv
    s = np.round(s, 9) % 1.0
    s = np.unique(np.round(s, 9), axis=0)
    n = len(s)
    assert n == round(4 * vol / A_FCC**3), (n, vol / A_FCC**3)

    rng = np.random.default_rng(seed)
    pos = s @ H + rng.normal(0.0, DISPLACEMENT / math.sqrt(3.0), size=(n, 3))
    # wrap into the cell so LAMMPS does not remap anything on read_data
    sf = pos @ Hinv
    sf -= np.floor(sf)
    pos = sf @ H
    sf = pos @ Hinv
    assert np.all(sf >= 0) and np.all(sf < 1)

    # Maxwell-Boltzmann velocities (A/ps), zero momentum, rescaled to exactly T_INIT
    # with 3N-3 degrees of freedom using CODATA kB and mvv2e.
    sig = math.sqrt(KB_CODATA * T_INIT / (MASS_AR * MVV2E_CODATA))
    vel = rng.normal(0.0, sig, size=(n, 3))
    vel -= vel.mean(axis=0)
    ke = 0.5 * MASS_AR * MVV2E_CODATA * np.sum(vel**2)
    t = 2 * ke / ((3 * n - 3) * KB_CODATA)
    vel *= math.sqrt(T_INIT / t)
    vel -= vel.mean(axis=0)
    # round-trip through the text representation: these are the exact doubles
    pos = np.array([[float(fmt(x)) for x in r] for r in pos])
    vel = np.array([[float(fmt(x)) for x in r] for r in vel])
    Hq = np.array([[float(fmt(x)) for x in r] for r in H])
    return dict(H=Hq, pos=pos, vel=vel, n=n, widths=widths, vol=vol)


def write_extxyz(path, st):
    H = st["H"]
    with open(path, "w") as f:
        f.write(f"{st['n']}\n")
        lat = " ".join(fmt(x) for x in H.reshape(-1))
        f.write(f'Lattice="{lat}" Properties=species:S:1:pos:R:3:velocities:R:3 pbc="T T T"\n')
        for p, v in zip(st["pos"], st["vel"]):
            f.write("Ar " + " ".join(fmt(x) for x in p) + " " + " ".join(fmt(x) for x in v) + "\n")


def write_lammps_data(path, name, st, mass=MASS_AR):
    H = st["H"]
    with open(path, "w") as f:
        f.write(f"LAMMPS data file for {name} (written by tools/lammps/make_reference.py)\n\n")
        f.write(f"{st['n']} atoms\n1 atom types\n\n")
        f.write(f"0.0 {fmt(H[0, 0])} xlo xhi\n")
        f.write(f"0.0 {fmt(H[1, 1])} ylo yhi\n")
        f.write(f"0.0 {fmt(H[2, 2])} zlo zhi\n")
        if H[1, 0] != 0 or H[2, 0] != 0 or H[2, 1] != 0:
            f.write(f"{fmt(H[1, 0])} {fmt(H[2, 0])} {fmt(H[2, 1])} xy xz yz\n")
        f.write(f"\nMasses\n\n1 {fmt(mass)}\n\nAtoms # atomic\n\n")
        for i, p in enumerate(st["pos"]):
            f.write(f"{i + 1} 1 " + " ".join(fmt(x) for x in p) + " 0 0 0\n")
        f.write("\nVelocities\n\n")
        for i, v in enumerate(st["vel"]):
            f.write(f"{i + 1} " + " ".join(fmt(x) for x in v) + "\n")


def run_lmp(lmp, infile, workdir, variables, log):
    cmd = [lmp, "-in", os.path.join(HERE, infile), "-log", log, "-screen", "none", "-nocite"]
    for k, v in variables.items():
        cmd += ["-var", k, str(v)]
    t0 = time.time()
    subprocess.run(cmd, cwd=workdir, check=True)
    return time.time() - t0


def parse_thermo(log):
    """Return a list of (header, rows) for every run in a LAMMPS log."""
    runs = []
    with open(log) as f:
        lines = f.readlines()
    i = 0
    while i < len(lines):
        if lines[i].split()[:1] == ["Step"]:
            header = lines[i].split()
            rows = []
            i += 1
            while not lines[i].startswith("Loop time"):
                parts = lines[i].split()
                if len(parts) == len(header):
                    rows.append([float(x) for x in parts])
                i += 1
            runs.append((header, np.array(rows)))
        i += 1
    return runs


def parse_dump(path):
    """Return {timestep: array (n, 10)} with columns id x y z vx vy vz ix iy iz."""
    frames = {}
    with open(path) as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("ITEM: TIMESTEP"):
            step = int(lines[i + 1])
            n = int(lines[i + 3])
            hdr = lines[i + 8].split()[2:]
            assert hdr == ["id", "x", "y", "z", "vx", "vy", "vz", "ix", "iy", "iz"], hdr
            rows = [lines[i + 9 + k].split() for k in range(n)]
            frames[step] = rows
            i += 9 + n
        else:
            i += 1
    return frames


def lammps_args(doc, prefix):
    """The --lmp and --keep options of the reference scripts; returns (args, work folder)."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lmp", default=shutil.which("lmp") or "/usr/bin/lmp")
    ap.add_argument("--keep", help="keep LAMMPS work files in this directory")
    args = ap.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix=prefix)
    os.makedirs(work, exist_ok=True)
    return args, work


def lammps_version(lmp):
    out = subprocess.run([lmp, "-h"], capture_output=True, text=True).stdout
    m = re.search(r"Large-scale Atomic/Molecular Massively Parallel Simulator - (.*)", out)
    return m.group(1).strip() if m else "unknown"


def block_stats(x, block):
    nb = len(x) // block
    xb = x[: nb * block].reshape(nb, block)
    means = xb.mean(axis=1)
    return float(means.std(ddof=1) / math.sqrt(nb)), nb


def std_block_stats(x, block):
    """Std of x and its standard error from block variances about the global mean."""
    mu = x.mean()
    nb = len(x) // block
    d2 = ((x[: nb * block] - mu) ** 2).reshape(nb, block).mean(axis=1)
    var = float(((x - mu) ** 2).mean())
    se_var = float(d2.std(ddof=1) / math.sqrt(nb))
    sd = math.sqrt(var)
    return sd, se_var / (2 * sd)


def do_nve(lmp, work, name, st, tag="", mass=MASS_AR, write=True, skin=SKIN):
    data = os.path.join(work, f"{name}{tag}.data")
    write_lammps_data(data, name, st, mass=mass)
    dump = os.path.join(work, f"{name}{tag}_nve.dump")
    log = os.path.join(work, f"{name}{tag}_nve.log")
    wall = run_lmp(lmp, "nve.in", work, dict(data=data, dump=dump, nsteps=N_NVE, skin=skin), log)
    (header, rows), = parse_thermo(log)
    assert header == ["Step", "PotEng", "KinEng", "TotEng", "Press", "Temp"], header
    assert len(rows) == N_NVE + 1
    # thermo text as LAMMPS printed it (exact %.17g strings)
    with open(log) as f:
        lines = f.read().splitlines()
    k = next(i for i, l in enumerate(lines) if l.split()[:1] == ["Step"])
    thermo_lines = [l.split() for l in lines[k + 1:k + 2 + N_NVE]]
    frames = parse_dump(dump)
    assert sorted(frames) == [0, N_NVE], sorted(frames)
    # sanity: step-0 state is what we wrote (up to the x->lamda->x round trip that
    # LAMMPS does for triclinic boxes)
    f0 = np.array([[float(x) for x in r[1:7]] for r in frames[0]])
    dpos = np.abs(f0[:, :3] - st["pos"]).max()
    dvel = np.abs(f0[:, 3:] - st["vel"]).max()
    assert dpos < 1e-12 and dvel == 0.0, (dpos, dvel)
    if write:
        with open(os.path.join(OUTDIR, f"{name}{tag}_nve_thermo.csv"), "w") as f:
            f.write("step,pe_eV,ke_eV,etotal_eV,press_bar,temp_K\n")
            for r in thermo_lines:
                f.write(",".join(r) + "\n")
        with open(os.path.join(OUTDIR, f"{name}{tag}_nve_final.csv"), "w") as f:
            f.write("id,x,y,z,vx,vy,vz,ix,iy,iz\n")
            for r in frames[N_NVE]:
                f.write(",".join(r) + "\n")
    final = np.array([[float(x) for x in r] for r in frames[N_NVE]])
    return dict(wall=wall, rows=rows, final=final, step0_pos_maxdiff=float(dpos))


def compare_runs(r1, r2, H):
    """Largest differences between two NVE runs (final state unwrapped with images)."""
    f1, f2 = r1["final"], r2["final"]
    u1 = f1[:, 1:4] + f1[:, 7:10] @ H
    u2 = f2[:, 1:4] + f2[:, 7:10] @ H
    rel = lambda c: float(np.abs((r2["rows"][:, c] - r1["rows"][:, c]) / r1["rows"][:, c]).max())
    return dict(max_abs_dpos_A=float(np.abs(u1 - u2).max()),
                max_abs_dvel_A_per_ps=float(np.abs(f1[:, 4:7] - f2[:, 4:7]).max()),
                rms_vel_A_per_ps=float(np.sqrt((f1[:, 4:7] ** 2).mean())),
                max_rel_dpe=rel(1), max_rel_dke=rel(2), max_rel_dpress=rel(4))


def do_nvt(lmp, work, st, neq, nprod):
    name = "lj_ortho"
    data = os.path.join(work, f"{name}_nvt.data")
    write_lammps_data(data, name, st)
    log = os.path.join(work, f"{name}_nvt.log")
    wall = run_lmp(lmp, "nvt.in", work, dict(data=data, neq=neq, nprod=nprod), log)
    runs = parse_thermo(log)
    assert len(runs) == 2
    header, rows = runs[1]
    assert header[:6] == ["Step", "PotEng", "KinEng", "TotEng", "Press", "Temp"], header
    rows = rows[1:]  # drop the duplicated first row (last step of equilibration)
    assert len(rows) == nprod
    col = {h: i for i, h in enumerate(header)}
    pe, ke, temp, press = (rows[:, col[c]] for c in ("PotEng", "KinEng", "Temp", "Press"))
    econs = rows[:, col["Econserve"]]
    n = st["n"]
    dof = 3 * n - 3
    # MSD (from step 0, unwrapped) over the production run: linear fit -> D
    msd = rows[:, col["c_msd[4]"]]
    tps = (rows[:, 0] - rows[0, 0]) * DT
    slope = float(np.polyfit(tps, msd, 1)[0])
    res = {}
    for key, x in (("temp_K", temp), ("pe_eV", pe), ("ke_eV", ke), ("press_bar", press)):
        se, nb = block_stats(x, NVT_BLOCK)
        res[key] = dict(mean=float(x.mean()), stderr=se)
    sd, sd_se = std_block_stats(ke, NVT_BLOCK)
    res["ke_std_eV"] = dict(value=sd, stderr=sd_se)
    sdt, sdt_se = std_block_stats(temp, NVT_BLOCK)
    res["temp_std_K"] = dict(value=sdt, stderr=sdt_se)
    scan = {}
    for b in (100, 200, 500, 1000, 2000, 4000):
        scan[str(b)] = dict(temp_K=block_stats(temp, b)[0], pe_eV=block_stats(pe, b)[0],
                            ke_eV=block_stats(ke, b)[0])
    out = dict(
        description="Nose-Hoover NVT (LAMMPS fix nvt) of lj_ortho; averages over the "
                    "production run, every step sampled. Standard errors by block "
                    "averaging (std of block means / sqrt(n_blocks)); the std of KE and "
                    "its error from block variances about the global mean.",
        lammps_version=lammps_version(lmp),
        initial_structure="lj_ortho_initial.extxyz",
        n_atoms=n,
        dof=dof,
        fix="fix nh all nvt temp 100.0 100.0 0.2 tchain 3",
        t_target_K=100.0,
        tdamp_ps=0.2,
        tchain=3,
        timestep_ps=DT,
        equilibration_steps=neq,
        production_steps=nprod,
        samples_every_steps=1,
        block_length_steps=NVT_BLOCK,
        n_blocks=len(temp) // NVT_BLOCK,
        pair="lj/cut 8.5, epsilon 0.0104 eV, sigma 3.40 A, pair_modify shift yes",
        neighbor="neighbor 1.0 bin; neigh_modify every 1 delay 0 check yes",
        mass_amu=MASS_AR,
        lammps_constants=dict(boltz=KB_LAMMPS, mvv2e=MVV2E_LAMMPS, nktv2p=NKTV2P_LAMMPS),
        canonical_expectation=dict(
            note="ideal canonical values with LAMMPS kB: <KE> = dof/2 kB T, "
                 "std(KE) = kB T sqrt(dof/2), std(T) = T sqrt(2/dof)",
            ke_mean_eV=0.5 * dof * KB_LAMMPS * 100.0,
            ke_std_eV=KB_LAMMPS * 100.0 * math.sqrt(dof / 2),
            temp_std_K=100.0 * math.sqrt(2.0 / dof)),
        diffusion_coefficient_A2_per_ps=dict(
            value=slope / 6.0,
            note="slope/6 of a straight-line fit to LAMMPS compute msd over the production "
                 "run (rough; shows the system is liquid)"),
        conserved_energy_drift_eV=float(econs[-1] - econs[0]),
        conserved_energy_std_eV=float(econs.std()),
        stderr_vs_block_length=scan,
        **res,
    )
    with open(os.path.join(OUTDIR, "lj_ortho_nvt_averages.json"), "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    with open(os.path.join(OUTDIR, "lj_ortho_nvt_thermo.csv"), "w") as f:
        f.write("step,pe_eV,ke_eV,etotal_eV,press_bar,temp_K,econserve_eV,msd_A2\n")
        for r in rows[NVT_CSV_EVERY - 1::NVT_CSV_EVERY]:
            f.write(f"{int(r[0])},{r[1]:.10g},{r[2]:.10g},{r[3]:.10g},{r[4]:.8g},"
                    f"{r[5]:.10g},{r[col['Econserve']]:.10g},{r[col['c_msd[4]']]:.8g}\n")
    return out, wall


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lmp", default=shutil.which("lmp") or "/usr/bin/lmp")
    ap.add_argument("--skip-nvt", action="store_true")
    ap.add_argument("--nvt-eq", type=int, default=NVT_EQ_DEFAULT)
    ap.add_argument("--nvt-prod", type=int, default=NVT_PROD_DEFAULT)
    ap.add_argument("--keep", help="keep LAMMPS work files in this directory")
    args = ap.parse_args()

    os.makedirs(OUTDIR, exist_ok=True)
    work = args.keep or tempfile.mkdtemp(prefix="mdgpu_lammps_")
    os.makedirs(work, exist_ok=True)
    print("LAMMPS:", args.lmp, "version", lammps_version(args.lmp))
    print(f"mass {MASS_AR!r} amu, fcc a = {A_FCC!r} A, work dir {work}")

    structures = {}
    meta = {}
    mass_codata = MASS_AR * MVV2E_CODATA / MVV2E_LAMMPS
    for name, spec in SYSTEMS.items():
        st = make_structure(name, spec["cell"], spec["seed"])
        structures[name] = st
        write_extxyz(os.path.join(OUTDIR, f"{name}_initial.extxyz"), st)
        r = do_nve(args.lmp, work, name, st)
        # Same run with the mass scaled by mvv2e_CODATA/mvv2e_LAMMPS: LAMMPS then
        # integrates exactly the dynamics of mass 39.948 with CODATA mvv2e (what mdgpu
        # does), and its "ke" is the CODATA kinetic energy.
        rc = do_nve(args.lmp, work, name, st, tag="_codatamass", mass=mass_codata)
        e = r["rows"][:, 3]
        meta[name] = dict(n_atoms=st["n"], seed=spec["seed"],
                          cell_rows_A=st["H"].tolist(),
                          perpendicular_widths_A=[float(w) for w in st["widths"]],
                          volume_A3=float(st["vol"]),
                          etotal_max_abs_dev_eV=float(np.abs(e - e[0]).max()),
                          step0_pos_maxdiff_A=r["step0_pos_maxdiff"],
                          lammps_vs_codatamass=compare_runs(r, rc, st["H"]))
        print(name, st["n"], "atoms; NVE",
              f"{r['wall']:.1f} s; max |Etot - Etot0| = {meta[name]['etotal_max_abs_dev_eV']:.3e} eV;",
              "LAMMPS vs codatamass:", json.dumps(meta[name]["lammps_vs_codatamass"]))

    # Round-off floor: same physics, skin 1.5 A instead of 1.0 A changes the neighbour
    # order and hence the force summation order. Not written as data.
    st = structures["lj_ortho"]
    base = do_nve(args.lmp, work, "lj_ortho", st, write=False)
    ro = do_nve(args.lmp, work, "lj_ortho", st, tag="_skin15", skin=1.5, write=False)
    roundoff = dict(note="lj_ortho NVE rerun with neighbor skin 1.5 A (different "
                         "summation order, same physics) vs the reference run",
                    **compare_runs(base, ro, st["H"]))
    print("round-off floor:", json.dumps(roundoff))

    if not args.skip_nvt:
        out, wall = do_nvt(args.lmp, work, structures["lj_ortho"], args.nvt_eq, args.nvt_prod)
        print(f"NVT ({wall:.1f} s):", json.dumps({k: out[k] for k in
                                                  ("temp_K", "pe_eV", "ke_eV", "ke_std_eV")}))

    info = dict(lammps_version=lammps_version(args.lmp), mass_amu=MASS_AR,
                fcc_lattice_constant_A=A_FCC, density_g_cm3=DENSITY,
                displacement_rms_A=DISPLACEMENT, t_init_K=T_INIT, timestep_ps=DT,
                nve_steps=N_NVE, mass_codatamass_amu=mass_codata,
                lammps_constants=dict(boltz=KB_LAMMPS, mvv2e=MVV2E_LAMMPS, nktv2p=NKTV2P_LAMMPS),
                codata_constants=dict(boltz=KB_CODATA, mvv2e=MVV2E_CODATA, nktv2p=NKTV2P_CODATA),
                systems=meta, roundoff_floor=roundoff)
    with open(os.path.join(OUTDIR, "reference_info.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
