#!/usr/bin/python3
"""Plot mdgpu analysis results as PNG files fit for a paper.

    /usr/bin/python3 tools/plot_analysis.py RESULT.csv ... [--out DIR]

Each CSV is recognised by its columns and plotted to DIR/<name>.png (default: next to it):

  MSD curves   (<prefix>.csv of [analysis.msd] / mdgpu analyze msd): one panel per group, the
               total MSD with its block error band, the fit window between dashed lines, the
               fitted line, D with its statistical and window errors, "NOT linear" when so
               (from <prefix>_D.csv and <prefix>.h5)
  RDF          (rdf*.csv): one panel per species pair, g(r) and the running coordination numbers
  profile      (profile*.csv): number density per species, and the neighbour count and bond
               length of the profiled species, along c
  motifs       (motifs*.csv): unit and site counts against time
  Arrhenius    (arrhenius.csv of mdgpu analyze arrhenius): ln D against 1000/T with error bars,
               the points the fit left out open and labelled, and the fitted line with Ea
  vDOS         (vdos*.csv): the vibrational density of states per species and in total, in THz
               with cm⁻¹ on the top axis

Lines differ in colour and style; legends sit outside the data. Empty CSV fields mean "no value".
Needs Debian's python3-matplotlib, python3-numpy and python3-h5py (use /usr/bin/python3).
"""

import argparse
import csv
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from cycler import cycler  # noqa: E402

KB = 8.617333262e-5  # eV/K, CODATA 2018 (as core/units.hpp)
CM_PER_THZ = 1e12 / 2.99792458e10
# 20 distinct colour and line-style pairs: lines stay apart in colour, in grey print and for
# colour-blind readers.
STYLES = (cycler(color=[plt.get_cmap("tab10")(k) for k in range(10)] * 2)
          + cycler(linestyle=["-", "--", ":", "-."] * 5))
plt.rcParams.update({"axes.prop_cycle": STYLES, "font.size": 9, "legend.fontsize": 8,
                     "axes.titlesize": 9})


def read(path):
    """Header and rows (lists of strings) of a CSV file."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def number(text):
    return float(text) if text not in ("", "nan") else math.nan


def column(header, rows, name, convert=number):
    k = header.index(name)
    return [convert(r[k]) for r in rows]


def companion(path, suffix, ext=None):
    stem, own = os.path.splitext(path)
    other = stem + suffix + (ext or own)
    return other if os.path.exists(other) else None


def grid(n, width=3.4, height=2.7):
    """A figure of n panels, at most three per row (and never narrower than its legend)."""
    cols = min(n, 3)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(max(5.5, width * cols + 0.6), height * rows + 0.7),
                             squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def legend_below(fig, axes, ncol=3):
    handles, labels = {}, []
    for ax in axes:
        for h, l in zip(*ax.get_legend_handles_labels()):
            if l not in handles:
                handles[l] = h
                labels.append(l)
    if labels:
        fig.legend([handles[l] for l in labels], labels, loc="lower center", ncol=min(ncol, len(labels)),
                   frameon=False, bbox_to_anchor=(0.5, 0.0))


def msd_block_errors(path, group):
    """Standard error of the total MSD across blocks, per lag (None without the .h5)."""
    h5_path = companion(path, "", ".h5")
    if not h5_path:
        return None
    try:
        import h5py
        import numpy as np
    except ImportError:
        return None
    with h5py.File(h5_path, "r") as f:
        names = [n.decode() if isinstance(n, bytes) else n for n in f.attrs["components"]]
        blocks = f[f"groups/{group}/block_msd_A2"][:, :, names.index("total")]
    return np.nanstd(blocks, axis=0, ddof=1) / np.sqrt(blocks.shape[0])


def plot_msd(path):
    header, rows = read(path)
    groups = list(dict.fromkeys(column(header, rows, "group", str)))
    fits = {}
    d_path = companion(path, "_D")
    if d_path:
        dh, dr = read(d_path)
        fits = {r[dh.index("group")]: dict(zip(dh, r)) for r in dr if r[dh.index("component")] == "total"}
    fig, axes = grid(len(groups))
    for ax, g in zip(axes, groups):
        sel = [r for r in rows if r[0] == g]
        t, msd = column(header, sel, "lag_ps"), column(header, sel, "msd_total_A2")
        ax.plot(t, msd, color="k", linestyle="-", label="MSD (total)")
        err = msd_block_errors(path, g)
        if err is not None:
            ax.fill_between(t, [m - e for m, e in zip(msd, err)], [m + e for m, e in zip(msd, err)],
                            color="0.6", alpha=0.4, linewidth=0, label="± block error")
        ax.set_title(g)
        ax.set_xlabel("lag (ps)")
        ax.set_ylabel("MSD (Å²)")
        fit = fits.get(g)
        if not fit or math.isnan(number(fit["D_A2_per_ps"])):
            note = fit["note"] if fit else "no fit"
            ax.text(0.03, 0.97, note[:60] + ("…" if len(note) > 60 else ""), transform=ax.transAxes,
                    va="top", fontsize=7, color="tab:red", wrap=True)
            continue
        lo, hi, D = number(fit["fit_start_ps"]), number(fit["fit_stop_ps"]), number(fit["D_A2_per_ps"])
        for x in (lo, hi):
            ax.axvline(x, color="tab:blue", linestyle="--", linewidth=0.8)
        window = [(x, y) for x, y in zip(t, msd) if lo <= x <= hi]
        mx = sum(x for x, _ in window) / len(window)
        my = sum(y for _, y in window) / len(window)
        ax.plot([lo, hi], [my + 6 * D * (lo - mx), my + 6 * D * (hi - mx)], color="tab:orange",
                linestyle="--", linewidth=1.5, label="fitted line, slope 6D")
        scale = 10 ** math.floor(math.log10(D * 1e-4))
        text = f"D = {D * 1e-4 / scale:.3g} ± {number(fit['D_err_cm2_per_s']) / scale:.2g} (stat.)"
        window_err = number(fit["D_window_err_cm2_per_s"])
        if not math.isnan(window_err):
            text += f" ± {window_err / scale:.2g} (window)"
        text += f"\n×10$^{{{int(round(math.log10(scale)))}}}$ cm²/s, fit {lo:.3g}–{hi:.3g} ps"
        ax.text(0.03, 0.97, text, transform=ax.transAxes, va="top", fontsize=7,
                bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))
        if fit["linear"] == "0":
            ax.text(0.97, 0.05, f"NOT linear\n(log-log slope {number(fit['loglog_slope']):.2f})",
                    transform=ax.transAxes, ha="right", va="bottom", color="tab:red",
                    fontweight="bold", fontsize=8)
    axes[0].plot([], [], color="tab:blue", linestyle="--", linewidth=0.8, label="fit window")
    legend_below(fig, axes)
    fig.suptitle("mean-square displacement", fontsize=10)
    fig.tight_layout(rect=(0, 0.07, 1, 0.97))
    return fig


def plot_rdf(path):
    header, rows = read(path)
    r = column(header, rows, "r_A")
    pairs = [name[2:] for name in header if name.startswith("g_")]
    fig, axes = grid(len(pairs))
    for ax, pair in zip(axes, pairs):
        a, b = pair.split("_")
        ax.plot(r, column(header, rows, "g_" + pair), color="k", linestyle="-", label="g(r)")
        twin = ax.twinx()
        curves = [(f"n_{b}_around_{a}", "--", "n: B around A")]
        if a != b:
            curves.append((f"n_{a}_around_{b}", ":", "n: A around B"))
        for name, style, label in curves:
            twin.plot(r, column(header, rows, name), color="tab:blue", linestyle=style, label=label)
        twin.set_ylabel("coordination number", color="tab:blue", fontsize=8)
        twin.tick_params(axis="y", colors="tab:blue", labelsize=7)
        ax.set_title(f"{a}–{b}  (A = {a}, B = {b})")
        ax.set_xlabel("r (Å)")
        ax.set_ylabel("g(r)")
        for h, l in zip(*twin.get_legend_handles_labels()):
            ax.plot([], [], color=h.get_color(), linestyle=h.get_linestyle(), label=l)
    legend_below(fig, axes)
    fig.suptitle("RDFs and running coordination numbers", fontsize=10)
    fig.tight_layout(rect=(0, 0.06, 1, 0.97))
    return fig


def plot_profile(path):
    header, rows = read(path)
    z = [0.5 * (a + b) for a, b in zip(column(header, rows, "z_lo_A"), column(header, rows, "z_hi_A"))]
    fig, axes = grid(3)
    for name in header:
        if name.startswith("density_"):
            axes[0].plot(z, column(header, rows, name), label=name.split("_")[1])
        elif name.endswith("_neighbors"):
            axes[1].plot(z, column(header, rows, name), "o-", color="k", markersize=3)
            axes[1].set_ylabel(name[:-10].replace("_", "–") + " neighbours")
        elif name.endswith("_bond_A"):
            axes[2].plot(z, column(header, rows, name), "o-", color="k", markersize=3)
            axes[2].set_ylabel(name[:-7].replace("_", "–") + " bond length (Å)")
    axes[0].set_ylabel("number density (Å⁻³)")
    for ax in axes:
        ax.set_xlabel("height along c (Å)")
    legend_below(fig, axes[:1], ncol=6)
    fig.suptitle("profiles along c", fontsize=10)
    fig.tight_layout(rect=(0, 0.08, 1, 0.95))
    return fig


def plot_motifs(path):
    header, rows = read(path)
    t = column(header, rows, "time_ps")
    xlabel = "time (ps)"
    if all(math.isnan(x) for x in t):  # frames without a time: number them
        t, xlabel = list(range(len(rows))), "frame"
    fig, axes = grid(1, width=5.0, height=3.2)
    for name in header[2:]:
        values = column(header, rows, name)
        if any(v for v in values if not math.isnan(v)):
            axes[0].plot(t, values, label=name, marker="o" if len(t) < 30 else None, markersize=4)
    axes[0].set_xlabel(xlabel)
    axes[0].set_ylabel("count")
    axes[0].set_title("phosphate units and N / O sites")
    axes[0].legend(loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False)
    fig.tight_layout()
    return fig


def plot_arrhenius(path):
    header, rows = read(path)
    fits = {}
    fit_path = companion(path, "_fit")
    if fit_path:
        fh, fr = read(fit_path)
        fits = {r[0]: {k: number(r[fh.index(k)]) for k in ("Ea_eV", "Ea_err_eV", "D0_cm2_per_s")}
                for r in fr}
    fig, axes = grid(1, width=4.6, height=3.4)
    ax = axes[0]
    for k, g in enumerate(dict.fromkeys(column(header, rows, "group", str))):
        color = plt.get_cmap("tab10")(k % 10)
        sel = [r for r in rows if r[0] == g]
        for used in ("1", "0"):
            pts = [r for r in sel if r[header.index("used")] == used]
            if not pts:
                continue
            x = [1000.0 / number(r[header.index("temperature_K")]) for r in pts]
            y = [math.log(number(r[header.index("D_cm2_per_s")])) for r in pts]
            e = [number(r[header.index("ln_D_err")]) for r in pts]
            ax.errorbar(x, y, yerr=e, fmt="o" if used == "1" else "s", color=color, capsize=3,
                        markerfacecolor=color if used == "1" else "white",
                        label=f"{g}" if used == "1" else f"{g}, left out of the fit")
            for xi, yi, r in zip(x, y, pts):
                if used == "0":
                    ax.annotate(r[header.index("excluded")].split(":")[0][:24], (xi, yi),
                                textcoords="offset points", xytext=(4, 4), fontsize=6,
                                color="tab:red")
        f = fits.get(g)
        if f:
            xs = [1000.0 / number(r[header.index("temperature_K")]) for r in sel if r[header.index("used")] == "1"]
            xs = [min(xs), max(xs)]
            ax.plot(xs, [math.log(f["D0_cm2_per_s"]) - f["Ea_eV"] * u / (1000.0 * KB) for u in xs],
                    linestyle="--", color=color,
                    label=f"{g} fit: Ea = {f['Ea_eV']:.3f} ± {f['Ea_err_eV']:.3f} eV")
    ax.set_xlabel("1000 / T (1/K)")
    ax.set_ylabel("ln D (D in cm²/s)")
    ax.set_title("Arrhenius plot (error bars: statistical ⊕ window)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def plot_vdos(path):
    header, rows = read(path)
    nu = column(header, rows, "frequency_THz")
    fig, axes = grid(1, width=5.0, height=3.2)
    ax = axes[0]
    for name in header[2:]:
        g = column(header, rows, name)
        label = name[2:-8].replace("total", "total (kinetic-energy weighted)")
        ax.plot(nu, g, label=label, color="k" if "total" in name else None)
    peak = max(column(header, rows, header[-1]))
    upper = max((n for n, g in zip(nu, column(header, rows, header[-1])) if g > 0.01 * peak), default=nu[-1])
    ax.set_xlim(0, min(nu[-1], 1.15 * upper))
    ax.set_xlabel("frequency (THz)")
    ax.set_ylabel("g(ν) (1/THz)")
    top = ax.secondary_xaxis("top", functions=(lambda x: x * CM_PER_THZ, lambda w: w / CM_PER_THZ))
    top.set_xlabel("wavenumber (cm⁻¹)")
    ax.set_title("vibrational density of states (half-Hann window)", pad=28)
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False)
    fig.tight_layout()
    return fig


def plot(path, out_dir):
    header, _ = read(path)
    kinds = [("group", "lag_ps", plot_msd), ("r_A", None, plot_rdf), ("bin", "s_lo", plot_profile),
             ("step", "time_ps", plot_motifs), ("group", "temperature_K", plot_arrhenius),
             ("frequency_THz", "wavenumber_cm-1", plot_vdos)]
    for first, second, draw in kinds:
        if header[0] == first and (second is None or header[1] == second):
            fig = draw(path)
            stem = os.path.splitext(os.path.basename(path))[0]
            png = os.path.join(out_dir or os.path.dirname(path) or ".", stem + ".png")
            fig.savefig(png, dpi=150)
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
