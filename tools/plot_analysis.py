#!/usr/bin/python3
"""Plot mdgpu analysis results as PNG files.

    /usr/bin/python3 tools/plot_analysis.py RESULT.csv ... [--out DIR]

Each CSV is recognised by its columns and plotted to DIR/<name>.png (default: next to it):

  MSD curves   (<prefix>.csv of [analysis.msd] / mdgpu analyze msd): total MSD of every group
               against the lag, the fit window shaded and the fitted line, from <prefix>_D.csv
  RDF          (rdf*.csv): g(r) of every species pair and the running coordination numbers
  profile      (profile*.csv): number density per species, and the neighbour count and bond
               length of the profiled species, along c
  motifs       (motifs*.csv): unit and site counts against time
  Arrhenius    (arrhenius.csv of mdgpu analyze arrhenius): ln D against 1000/T with error bars
               and the fitted line, from arrhenius_fit.csv

Needs Debian's python3-matplotlib and python3-numpy (use /usr/bin/python3).
"""

import argparse
import csv
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

KB = 8.617333262e-5  # eV/K, CODATA 2018 (as core/units.hpp)


def read(path):
    """Header and rows (lists of strings) of a CSV file."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def column(header, rows, name, convert=float):
    k = header.index(name)
    return [convert(r[k]) for r in rows]


def companion(path, suffix):
    stem, ext = os.path.splitext(path)
    other = stem + suffix + ext
    return other if os.path.exists(other) else None


def plot_msd(path, ax):
    header, rows = read(path)
    groups = list(dict.fromkeys(column(header, rows, "group", str)))
    fits = {}
    d_path = companion(path, "_D")
    if d_path:
        dh, dr = read(d_path)
        for r in dr:
            if r[dh.index("component")] == "total":
                fits[r[dh.index("group")]] = {k: r[dh.index(k)] for k in
                                              ("D_A2_per_ps", "fit_start_ps", "fit_stop_ps")}
    for g in groups:
        sel = [r for r in rows if r[0] == g]
        t = column(header, sel, "lag_ps")
        msd = column(header, sel, "msd_total_A2")
        (line,) = ax.plot(t, msd, label=g)
        fit = fits.get(g)
        if not fit or not math.isfinite(float(fit["D_A2_per_ps"])):
            continue
        lo, hi, D = float(fit["fit_start_ps"]), float(fit["fit_stop_ps"]), float(fit["D_A2_per_ps"])
        window = [(x, y) for x, y in zip(t, msd) if lo <= x <= hi]
        # The reported line: slope 6 D, through the mean of the window's points.
        mx = sum(x for x, _ in window) / len(window)
        my = sum(y for _, y in window) / len(window)
        ax.plot([lo, hi], [my + 6 * D * (lo - mx), my + 6 * D * (hi - mx)], "--", color=line.get_color(),
                label=f"{g}: D = {D * 1e-4:.3g} cm²/s")
        ax.axvspan(lo, hi, color=line.get_color(), alpha=0.08)
    ax.set_xlabel("lag (ps)")
    ax.set_ylabel("MSD (Å²)")
    ax.set_title("mean-square displacement (fit window shaded)")
    ax.legend(fontsize="small")


def plot_rdf(path, axes):
    header, rows = read(path)
    r = column(header, rows, "r_A")
    for name in header:
        if name.startswith("g_"):
            axes[0].plot(r, column(header, rows, name), label=name[2:].replace("_", "-"))
        elif name.startswith("n_"):
            axes[1].plot(r, column(header, rows, name), label=name[2:].replace("_", " "))
    axes[0].set_ylabel("g(r)")
    axes[0].set_title("radial distribution functions")
    axes[1].set_ylabel("running coordination number")
    for ax in axes:
        ax.set_xlabel("r (Å)")
        ax.legend(fontsize="small")


def plot_profile(path, axes):
    header, rows = read(path)
    z = [0.5 * (a + b) for a, b in zip(column(header, rows, "z_lo_A"), column(header, rows, "z_hi_A"))]
    for name in header:
        if name.startswith("density_"):
            axes[0].plot(z, column(header, rows, name), label=name.split("_")[1])
        elif name.endswith("_neighbors"):
            axes[1].plot(z, column(header, rows, name), "o-")
            axes[1].set_ylabel(name.replace("_", " ", 2).replace("_", " "))
        elif name.endswith("_bond_A"):
            axes[2].plot(z, column(header, rows, name), "o-")
            axes[2].set_ylabel(name[:-2].replace("_", "–", 1).replace("_", " ") + " (Å)")
    axes[0].set_ylabel("number density (Å⁻³)")
    axes[0].set_title("profiles along c")
    axes[0].legend(fontsize="small")
    for ax in axes:
        ax.set_xlabel("height along c (Å)")


def plot_motifs(path, ax):
    header, rows = read(path)
    t = column(header, rows, "time_ps")
    for name in header[2:]:
        values = column(header, rows, name)
        if any(values):
            ax.plot(t, values, label=name)
    ax.set_xlabel("time (ps)")
    ax.set_ylabel("count")
    ax.set_title("phosphate units and N / O sites")
    ax.legend(fontsize="small", ncol=2)


def plot_arrhenius(path, ax):
    header, rows = read(path)
    fit_path = companion(path, "_fit")
    fits = {}
    if fit_path:
        fh, fr = read(fit_path)
        fits = {r[0]: {k: float(r[fh.index(k)]) for k in ("Ea_eV", "Ea_err_eV", "D0_cm2_per_s")} for r in fr}
    for g in dict.fromkeys(column(header, rows, "group", str)):
        sel = [r for r in rows if r[0] == g]
        T = column(header, sel, "temperature_K")
        lnD = [math.log(d) for d in column(header, sel, "D_cm2_per_s")]
        err = column(header, sel, "ln_D_err")
        x = [1000.0 / t for t in T]
        bars = ax.errorbar(x, lnD, yerr=err, fmt="o", capsize=3, label=f"{g}")
        f = fits.get(g)
        if f:
            xs = [min(x), max(x)]
            # ln D = ln D0 - Ea / (kB T), with x = 1000 / T
            ax.plot(xs, [math.log(f["D0_cm2_per_s"]) - f["Ea_eV"] * u / (1000.0 * KB) for u in xs], "--",
                    color=bars[0].get_color(),
                    label=f"{g}: Ea = {f['Ea_eV']:.3f} ± {f['Ea_err_eV']:.3f} eV")
    ax.set_xlabel("1000 / T (1/K)")
    ax.set_ylabel("ln D (D in cm²/s)")
    ax.set_title("Arrhenius plot")
    ax.legend(fontsize="small")


def plot(path, out_dir):
    header, _ = read(path)
    kinds = [("group", "lag_ps", plot_msd, 1), ("r_A", None, plot_rdf, 2),
             ("bin", "s_lo", plot_profile, 3), ("step", "time_ps", plot_motifs, 1),
             ("group", "temperature_K", plot_arrhenius, 1)]
    for first, second, draw, panels in kinds:
        if header[0] == first and (second is None or header[1] == second):
            fig, axes = plt.subplots(1, panels, figsize=(5.5 * panels, 4.2))
            draw(path, axes)
            fig.tight_layout()
            stem = os.path.splitext(os.path.basename(path))[0]
            png = os.path.join(out_dir or os.path.dirname(path) or ".", stem + ".png")
            fig.savefig(png, dpi=120)
            plt.close(fig)
            return png
    raise SystemExit(f"{path}: not an mdgpu analysis CSV (columns {', '.join(header[:4])}, ...)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv", nargs="+", help="result files (.csv)")
    ap.add_argument("--out", help="folder for the PNG files (default: next to each CSV)")
    args = ap.parse_args()
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    for path in args.csv:
        print(plot(path, args.out))


if __name__ == "__main__":
    sys.exit(main())
