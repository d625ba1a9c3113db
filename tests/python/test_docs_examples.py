#!/usr/bin/env python3
"""The code blocks of docs/adding_a_kind.md that begin `// file: PATH` are that source file, verbatim,
so that the documented example is code the build compiles."""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```cpp\n// file: (\S+)\n(.*?)```", re.S)


def main() -> int:
    doc = ROOT / "docs" / "adding_a_kind.md"
    blocks = BLOCK.findall(doc.read_text())
    if not blocks:
        print(f"{doc}: no `// file:` code blocks", file=sys.stderr)
        return 1
    stale = [path for path, code in blocks if (ROOT / path).read_text() != code]
    for path in stale:
        print(f"{doc}: the block of {path} differs from the file", file=sys.stderr)
    print(f"{len(blocks) - len(stale)} of {len(blocks)} example(s) match their files")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
