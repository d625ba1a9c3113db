#!/usr/bin/env python3
"""Fails (exit 1) when a source file includes a header of a layer above its own, or when a layer's
CMake library links a library above it.

The layers, lowest first, and what each may use (docs/architecture.md). Each folder is one CMake
static library that links only the libraries below it; all share one include path, so this check
(ctest `python.layers`) is what catches an include that goes up.
"""
import re
import sys
from pathlib import Path

LAYERS = ["core", "kernels", "model", "engine", "io", "analysis", "app", "lammps"]
ALLOWED = {layer: set(LAYERS[: i + 1]) for i, layer in enumerate(LAYERS)}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"/]+)/')
SOURCES = ("*.hpp", "*.cpp", "*.cu", "*.cuh", "*.inc")
# mdgpu_layer(mdgpu_engine SOURCES ... LINK mdgpu_model) and target_link_libraries(mdgpu_kernels ...)
LINK_CALL = re.compile(r"\b(?:mdgpu_layer|target_link_libraries)\s*\(\s*mdgpu_(\w+)([^)]*)\)", re.S)
LIBRARY = re.compile(r"\bmdgpu_(\w+)\b")
SUMMARY = " < ".join(LAYERS)


def include_violations(root: Path):
    for layer, allowed in ALLOWED.items():
        for pattern in SOURCES:
            for path in sorted((root / layer).rglob(pattern)):
                for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                    m = INCLUDE.match(line)
                    if m and m.group(1) in ALLOWED and m.group(1) not in allowed:
                        yield f"{path.relative_to(root)}:{number}: layer '{layer}' includes '{m.group(1)}/', a layer above it"


def link_violations(root: Path):
    cmake = root / "CMakeLists.txt"
    if not cmake.exists():
        return
    text = cmake.read_text()
    for call in LINK_CALL.finditer(text):
        layer = call.group(1)
        if layer not in ALLOWED:
            continue
        number = text.count("\n", 0, call.start()) + 1
        for used in LIBRARY.findall(call.group(2)):
            if used in ALLOWED and (used not in ALLOWED[layer] or used == layer):
                yield f"CMakeLists.txt:{number}: library mdgpu_{layer} links mdgpu_{used}, which is not below it"


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    found = list(include_violations(root)) + list(link_violations(root))
    for v in found:
        print(v)
    if found:
        print(f"{len(found)} include(s) or link(s) go up the layers: {SUMMARY}")
        return 1
    print(f"layers: every include and link goes down ({SUMMARY})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
