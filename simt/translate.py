#!/usr/bin/env python3
"""Rewrites CUDA sources for the SIMT emulator's host compilation (simt/README.md).

Usage: translate.py OUT_DIR ROOT FILE...  writes each FILE (a path under ROOT) to the same path
under OUT_DIR, where the launch syntax and __shared__ declarations that a host compiler cannot
parse become calls into simt/include/simt/runtime.hpp. Lines keep their numbers, and a #line
directive names the original file, so that compiler errors and __FILE__ point at the real source.
"""
import re
import sys
from pathlib import Path

# kernel<<<config>>>(  ->  ::simt::launch("kernel", [](auto... a) { kernel(a...); }, config)(
LAUNCH = re.compile(r"([A-Za-z_][\w:]*(?:<[^<>;()]*>)?)\s*<<<(.*?)>>>\s*\(", re.S)
# extern __shared__ T name[];  ->  T* name = static_cast<T*>(::simt::dynamic_shared_storage());
DYNAMIC_SHARED = re.compile(r"extern\s+__shared__\s+([^;]+?)\s*\b(\w+)\s*\[\s*\]\s*;")
# __shared__ T name[N]...;  ->  a reference to this block's storage for this declaration
STATIC_SHARED = re.compile(r"__shared__\s+([^;=]+?)\s*\b(\w+)\s*((?:\[[^\]]+\])*)\s*;")


def launch(m: re.Match) -> str:
    kernel, config = m.group(1), m.group(2)
    return f'::simt::launch("{kernel}", [](auto... simt_a) {{ {kernel}(simt_a...); }}, {config})('


def static_shared(m: re.Match) -> str:
    type_, name, dims = m.group(1), m.group(2), m.group(3)
    site = f"simt_site_{name}"
    return (f"static const char {site} = 0; "
            f"auto& {name} = ::simt::shared<{type_}{dims}>(&{site});")


def translate(text: str) -> str:
    text = LAUNCH.sub(launch, text)
    if "<<<" in text or ">>>" in text:
        raise SystemExit("translate.py: a kernel launch it cannot rewrite is left")
    text = DYNAMIC_SHARED.sub(r"\1* \2 = static_cast<\1*>(::simt::dynamic_shared_storage());", text)
    text = STATIC_SHARED.sub(static_shared, text)
    if "__shared__" in text:
        raise SystemExit("translate.py: a __shared__ declaration it cannot rewrite is left")
    return text


def main() -> int:
    out_dir, root = Path(sys.argv[1]), Path(sys.argv[2]).resolve()
    for name in sys.argv[3:]:
        source = Path(name).resolve()
        target = out_dir / source.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            body = translate(source.read_text())
        except SystemExit as e:
            raise SystemExit(f"{source}: {e}")
        text = f'#line 1 "{source}"\n{body}'
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
