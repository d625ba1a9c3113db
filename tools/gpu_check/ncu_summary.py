#!/usr/bin/env python3
"""Summary of an `ncu --metrics gpu__time_duration.sum --csv` log (tools/gpu_check.sh).

    ncu_summary.py LOG HOTTEST_OUT

Prints the launch count and the kernels that took the most device time, and writes the name of
the busiest one (for `ncu -k regex:NAME`) to HOTTEST_OUT.
"""
import collections
import csv
import re
import sys


def short(kernel):
    """The executor's generic kernel by its item (for_each_kernel<...::EdgeMessageGrad<float>>),
    any other kernel by its own name."""
    inner = re.search(r"for_each_kernel<(.*)>\(", kernel)
    kernel = inner.group(1) if inner else kernel.split("(")[0]
    return re.sub(r"<.*", "", kernel).split("::")[-1].split()[-1]


def main():
    log, hottest_out = sys.argv[1:3]
    rows = [r for r in csv.reader(line for line in open(log) if line.startswith('"')) if len(r) > 4]
    head, rows = rows[0], rows[1:]
    name, value = head.index("Kernel Name"), head.index("Metric Value")
    time, count = collections.Counter(), collections.Counter()
    for r in rows:
        k = short(r[name])
        time[k] += float(r[value].replace(",", ""))
        count[k] += 1
    print(f"  {len(rows)} kernel launches (the MD run and its set-up); busiest kernels:")
    for k, t in time.most_common(6):
        print(f"    {t / 1e3:10.1f} us in {count[k]:4d} launches  {k}")
    with open(hottest_out, "w") as f:
        f.write(time.most_common(1)[0][0])


if __name__ == "__main__":
    main()
