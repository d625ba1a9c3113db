#!/usr/bin/env python3
"""Fails (exit 1) when a source file includes a header of a layer above its own.

The layers, lowest first, and what each may include (docs/architecture.md). Each folder is one
CMake library that links only the libraries below it; this check catches the includes that would
otherwise compile through the shared include path.
"""
import re
import sys
from pathlib import Path

ALLOWED = {
    "core": {"core"},
    "kernels": {"core", "kernels"},
    "model": {"core", "kernels", "model"},
    "engine": {"core", "kernels", "model", "engine"},
    "io": {"core", "kernels", "model", "engine", "io"},
    "analysis": {"core", "kernels", "model", "engine", "io", "analysis"},
    "app": {"core", "kernels", "model", "engine", "io", "analysis", "app"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"/]+)/')
SOURCES = ("*.hpp", "*.cpp", "*.cu", "*.cuh", "*.inc")


def violations(root: Path):
    for layer, allowed in ALLOWED.items():
        for pattern in SOURCES:
            for path in sorted((root / layer).rglob(pattern)):
                for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                    m = INCLUDE.match(line)
                    if m and m.group(1) in ALLOWED and m.group(1) not in allowed:
                        yield f"{path.relative_to(root)}:{number}: layer '{layer}' includes '{m.group(1)}/', a layer above it"


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    found = list(violations(root))
    for v in found:
        print(v)
    if found:
        print(f"{len(found)} include(s) go up the layers: core < kernels < model < engine < io < analysis < app")
        return 1
    print("layers: every include goes down (core < kernels < model < engine < io < analysis < app)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
