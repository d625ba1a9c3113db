#!/usr/bin/env python3
"""Register and spill gate of the CUDA kernels (issue 14 item 5; ctest cuda.ptxas_budget).

Reads the ptxas reports that tools/ptxas_log.sh keeps beside every CUDA object of a build and
checks each of mdgpu's kernels against tools/ptxas_budget.json: no kernel may spill, none may use
more registers or a larger stack frame than its recorded budget, and a kernel without a budget
fails until one is recorded (`--record` rewrites the file from the build; review the diff).
Without CUDA objects (a build without nvcc) it says SKIPPED and why.
"""
import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ENTRY = re.compile(r"Function properties for (\S+)\n\s+(\d+) bytes stack frame, (\d+) bytes spill stores, "
                   r"(\d+) bytes spill loads\n(?:ptxas info\s+: Used (\d+) registers)?")
FOR_EACH = re.compile(r"^void mdgpu::cuda::exec_detail::for_each_kernel<(.+)>\(long, .+\)$")


def without_parameters(demangled):
    """The kernel's name: `void name<...>(parameters)` less its return type and parameter list."""
    depth = 0
    for i in range(len(demangled) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(demangled[i], 0)
        if depth == 0 and demangled[i] == "(":
            demangled = demangled[:i]
            break
    return re.sub(r"^void ", "", demangled)


def kernel_key(demangled):
    """A readable key: the item type for the executor's generic kernel, else the kernel's name."""
    m = FOR_EACH.match(demangled)
    return m.group(1).strip() if m else without_parameters(demangled)


def read_reports(build):
    reports = sorted(build.rglob("*.ptxas"))
    kernels = {}
    for path in reports:
        entries = ENTRY.findall(path.read_text())
        names = subprocess.run(["c++filt"], input="\n".join(e[0] for e in entries), capture_output=True,
                               text=True, check=True).stdout.split("\n")
        for (mangled, stack, stores, loads, regs), name in zip(entries, names):
            if "mdgpu" not in name:
                continue  # the math library's own routines
            k = {"registers": int(regs or 0), "stack": int(stack), "spill": int(stores) + int(loads)}
            if name.startswith("void cub::"):
                # CUB's kernels over our functors: CUB tunes their registers; only spills are ours.
                if k["spill"]:
                    sys.exit(f"FAIL: a CUB kernel over mdgpu's functors spills: {name[:200]}")
                continue
            key = kernel_key(name)
            old = kernels.get(key)
            if old and old != k:
                sys.exit(f"{key}: two different reports ({old} and {k}): compiled twice with different flags?")
            kernels[key] = k
    return reports, kernels


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build-dir", type=Path, required=True)
    p.add_argument("--budget", type=Path, default=Path(__file__).with_name("ptxas_budget.json"))
    p.add_argument("--record", action="store_true", help="write the build's figures as the new budget")
    a = p.parse_args()

    reports, kernels = read_reports(a.build_dir)
    if not reports:
        print("SKIPPED: no ptxas reports under the build (built without nvcc: the CUDA kernels ran on the emulator)")
        return 0
    if a.record:
        budget = {k: {"registers": v["registers"], "stack": v["stack"]} for k, v in sorted(kernels.items())}
        a.budget.write_text(json.dumps(budget, indent=1) + "\n")
        print(f"recorded {len(budget)} kernels in {a.budget}")
        return 0

    budget = json.loads(a.budget.read_text())
    failures = []
    print(f"{'kernel':<72} {'regs':>5} {'budget':>6} {'stack':>6} {'budget':>6} {'spill':>6}")
    for key, k in sorted(kernels.items()):
        b = budget.get(key)
        print(f"{key[:72]:<72} {k['registers']:>5} {b['registers'] if b else '-':>6} {k['stack']:>6} "
              f"{b['stack'] if b else '-':>6} {k['spill']:>6}")
        if k["spill"]:
            failures.append(f"{key} spills {k['spill']} bytes to local memory")
        if b is None:
            failures.append(f"{key} has no recorded budget (tools/check_ptxas.py --record, then review the diff)")
        else:
            if k["registers"] > b["registers"]:
                failures.append(f"{key} uses {k['registers']} registers, above its budget of {b['registers']}")
            if k["stack"] > b["stack"]:
                failures.append(f"{key} has a {k['stack']}-byte stack frame, above its budget of {b['stack']}")
    for gone in sorted(set(budget) - set(kernels)):
        failures.append(f"{gone} has a budget but is no longer built (--record)")
    print(f"{len(kernels)} kernels from {len(reports)} objects")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
