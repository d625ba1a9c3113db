"""Conversion of NequIP models (nequip 0.5.x / 0.6.x, e3nn 0.5.x) to mdgpu's model file.

tools/export_nequip.py is the command line; docs/model_format.md describes the output.
"""
