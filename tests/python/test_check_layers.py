"""tools/check_layers.py: the tree passes, and a tree with an include or a link that goes up fails.

  /usr/bin/python3 tests/python/test_check_layers.py
"""
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / "tools" / "check_layers.py"


def check(root):
    return subprocess.run([sys.executable, str(TOOL), str(root)], capture_output=True, text=True)


class CheckLayers(unittest.TestCase):
    def test_tree_goes_down(self):
        r = check(REPO)
        self.assertEqual(r.returncode, 0, r.stdout)

    def test_upward_include_fails(self):
        with tempfile.TemporaryDirectory() as d:
            root = Path(d)
            (root / "kernels").mkdir()
            (root / "engine").mkdir()
            (root / "engine" / "md_plan.hpp").write_text("#pragma once\n")
            (root / "kernels" / "ok.hpp").write_text('#include "core/box.hpp"\n')
            (root / "kernels" / "bad.hpp").write_text('#pragma once\n\n#include "engine/md_plan.hpp"\n')
            r = check(root)
            self.assertEqual(r.returncode, 1, r.stdout)
            self.assertIn("kernels/bad.hpp:3: layer 'kernels' includes 'engine/'", r.stdout)
            self.assertNotIn("ok.hpp", r.stdout)

    def test_upward_link_fails(self):
        with tempfile.TemporaryDirectory() as d:
            root = Path(d)
            (root / "CMakeLists.txt").write_text(
                "mdgpu_layer(mdgpu_engine SOURCES ${MDGPU_ENGINE_SOURCES} LINK mdgpu_model)\n"
                "mdgpu_layer(mdgpu_model SOURCES ${S}\n            LINK mdgpu_kernels mdgpu_io)\n")
            r = check(root)
            self.assertEqual(r.returncode, 1, r.stdout)
            self.assertIn("CMakeLists.txt:2: library mdgpu_model links mdgpu_io", r.stdout)
            self.assertNotIn("mdgpu_engine links", r.stdout)


if __name__ == "__main__":
    unittest.main()
