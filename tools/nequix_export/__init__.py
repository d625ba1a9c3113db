"""Nequix (.nqx) to mdgpu model file; see tools/export_nequix.py."""
