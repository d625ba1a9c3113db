#!/usr/bin/env python3
"""A temperature series of diffusion runs and its Arrhenius analysis, as in a LiPON study.

For every temperature T: an equilibration (inputs/lipon_equilibrate.toml by default) from the
last frame of a melt-quench trajectory, then a diffusion run (inputs/lipon_diffusion.toml) from
the last frame of the equilibration, both at T; then `mdgpu analyze arrhenius` over the diffusion
runs and PNG plots (tools/plot_analysis.py). Each run gets its own copy of its input, with T and
the folders filled in, in OUT/T<T>/ (equilibrate.toml, diffusion.toml), so it can be re-run or
restarted (`mdgpu run --restart`) by hand.

  run_temperature_series.py --start out/lipon/meltquench/traj.extxyz \\
      --temperatures 600 900 1200 1500 --out out/lipon [--mdgpu build/mdgpu] \\
      [--equilibrate TOML] [--diffusion TOML] [--set KEY=VALUE ...] [--dry-run]

--set changes keys of both inputs where their tables exist (a key under [[stage]] changes
every stage; a key whose table neither input has is an error), e.g.
--set potential.model=my_model.h5 --set stage.duration_ps=20. Exit status 2 for bad arguments,
otherwise that of the first mdgpu command that fails.
"""
import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import mdgpu_toml  # noqa: E402

REPO = HERE.parent


class SeriesError(Exception):
    pass


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        raise SeriesError(message)


def parse_args(argv):
    p = OneLineParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--start", required=True,
                   help="structure the equilibrations start from (its last frame), e.g. the "
                        "melt-quench trajectory")
    p.add_argument("--temperatures", type=float, nargs="+", required=True, metavar="T")
    p.add_argument("--out", required=True, help="folder for the runs and the Arrhenius results")
    p.add_argument("--equilibrate", default=str(REPO / "inputs/lipon_equilibrate.toml"))
    p.add_argument("--diffusion", default=str(REPO / "inputs/lipon_diffusion.toml"))
    p.add_argument("--mdgpu", default=str(REPO / "build/mdgpu"))
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a key of both inputs (repeatable)")
    p.add_argument("--dry-run", action="store_true",
                   help="write the inputs and validate them with `mdgpu run --dry-run` only (a "
                        "real series does this too, for every input, before it starts any run)")
    p.add_argument("--no-plots", action="store_true", help="skip tools/plot_analysis.py")
    args = p.parse_args(argv)
    for name in ("start", "equilibrate", "diffusion", "mdgpu"):
        if not Path(getattr(args, name)).exists():
            raise SeriesError(f"--{name}: {getattr(args, name)} does not exist")
    if any(t <= 0 for t in args.temperatures):
        raise SeriesError("--temperatures must be > 0 K")
    if len(set(args.temperatures)) != len(args.temperatures):
        raise SeriesError("--temperatures lists a temperature twice")
    return args


def label(t):
    return f"T{t:g}"


def run_input(template, t, structure, out_dir, overrides):
    """The template's copy for temperature t starting from the last frame of `structure`."""
    doc = mdgpu_toml.load(template)
    mdgpu_toml.absolutize_paths(doc, Path(template).parent)
    mdgpu_toml.set_key(doc, "system.structure", str(Path(structure).resolve()))
    mdgpu_toml.set_key(doc, "system.frame", -1)
    velocities = doc["system"].get("velocities")
    if isinstance(velocities, dict) and "temperature" in velocities:
        velocities["temperature"] = t
    mdgpu_toml.set_key(doc, "stage.temperature", t)
    mdgpu_toml.set_key(doc, "output.directory", str(out_dir.resolve()))
    try:
        unused = mdgpu_toml.apply_overrides(doc, overrides, create=False)
    except mdgpu_toml.OverrideError as e:
        raise SeriesError(f"--set: {e}") from None
    return doc, unused


def mdgpu(*command):
    print("$ " + " ".join(str(c) for c in command), flush=True)
    status = subprocess.run([str(c) for c in command]).returncode
    if status != 0:
        sys.exit(status)


def dry_run(exe, path, start, stand_in):
    """`mdgpu run --dry-run` of `path`; one that starts from a structure an earlier run writes is
    checked with `stand_in` (the series' own start: the same atoms) in its place, and the
    velocities that file will carry taken as given."""
    if Path(start).exists():
        mdgpu(exe, "run", "--dry-run", path)
        return
    with tempfile.TemporaryDirectory(prefix="mdgpu-series-") as tmp:
        doc = mdgpu_toml.load(path)
        mdgpu_toml.set_key(doc, "system.structure", str(Path(stand_in).resolve()))
        if doc["system"].get("velocities") == "file":
            doc["system"]["velocities"] = "auto"
        probe = Path(tmp) / path.name  # the same name: the same default checkpoint file
        mdgpu_toml.write(doc, probe)
        print(f"(dry run of {path} with {stand_in} in place of {start}, which the equilibration "
              "writes)", flush=True)
        mdgpu(exe, "run", "--dry-run", probe)


def check_overrides(args):
    """Every --set key must fit at least one of the two inputs, before anything runs."""
    unused = set(args.set)
    for template in (args.equilibrate, args.diffusion):
        _, not_here = run_input(template, args.temperatures[0], args.start, Path(args.out), args.set)
        unused &= set(not_here)
    if unused:
        raise SeriesError(f"--set {sorted(unused)[0]}: neither input has a table for this key")


def main(argv=None):
    try:
        args = parse_args(argv)
        check_overrides(args)
    except SeriesError as e:
        print(f"run_temperature_series.py: error: {e}", file=sys.stderr)
        return 2
    out = Path(args.out)
    exe = Path(args.mdgpu).resolve()
    runs = []  # (input file, structure it starts from)
    diffusion_dirs = []
    for t in args.temperatures:
        folder = out / label(t)
        steps = [("equilibrate", args.equilibrate, Path(args.start)),
                 ("diffusion", args.diffusion, folder / "equilibrate" / "traj.extxyz")]
        for name, template, start in steps:
            doc, _ = run_input(template, t, start, folder / name, args.set)
            path = folder / f"{name}.toml"
            mdgpu_toml.write(doc, path, header=f"# {name} at {t:g} K, written by "
                                               f"tools/run_temperature_series.py from {template}\n")
            runs.append((path, start))
        diffusion_dirs.append(folder / "diffusion")
    # Every input is validated before any run starts: a diffusion input refused after hours of
    # equilibration is the mistake this prevents.
    for path, start in runs:
        dry_run(exe, path, start, args.start)
    if args.dry_run:
        return 0
    for path, _ in runs:
        mdgpu(exe, "run", path)
    fit = [exe, "analyze", "arrhenius", *diffusion_dirs, f"path={out.resolve() / 'arrhenius'}"]
    print("$ " + " ".join(str(c) for c in fit), flush=True)
    status = subprocess.run([str(c) for c in fit]).returncode
    if status not in (0, 2):
        return status
    if status == 2:  # not enough diffusive temperatures: mdgpu said which and why
        print("no Arrhenius fit: the series has too few diffusive temperatures (see above); the "
              "MSD curves are plotted for a look", flush=True)
    if not args.no_plots:
        results = [str(p) for d in diffusion_dirs for p in sorted(d.glob("msd_*.csv"))
                   if not p.name.endswith("_D.csv")]
        fitted = [str(out / "arrhenius.csv")] if status == 0 else []
        plot = [sys.executable, str(HERE / "plot_analysis.py"), *fitted, *results]
        print("$ " + " ".join(plot), flush=True)
        if subprocess.run(plot).returncode != 0:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
