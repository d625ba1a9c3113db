#!/usr/bin/env bash
# Installs everything mdgpu needs to build and test on Debian 12 (bookworm), from Debian's own
# packages. The CUDA toolkit is not a Debian package here: when nvcc is on PATH the CUDA backend
# is built as well, otherwise the CPU build is complete on its own.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config  # toolchain
  libfmt-dev libtomlplusplus-dev libhdf5-dev libnetcdf-dev zlib1g-dev  # engine libraries
  libgtest-dev libgmock-dev libbenchmark-dev   # tests and benchmarks
  python3 python3-numpy python3-ase python3-h5py python3-matplotlib python3-yaml  # tools/, test oracles
  python3-netcdf4 python3-mdanalysis  # trajectory readers the tests check our files with
  python3-venv python3-pip  # the project-local virtual environment below
)
optional=(lammps)  # only to regenerate tests/data/lammps (tools/lammps/make_reference.py)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
if [ "${MDGPU_WITH_LAMMPS:-0}" = 1 ]; then
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${optional[@]}" >/dev/null
fi
echo "mdgpu: Debian packages installed"

# PyPI packages that Debian lacks (tools/requirements.txt) go into .venv beside the sources, never
# into the system's python. Re-running this script only adds what changed.
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -x "$root/.venv/bin/python" ]; then /usr/bin/python3 -m venv "$root/.venv"; fi
"$root/.venv/bin/python" -m pip install -q --disable-pip-version-check -r "$root/tools/requirements.txt"
echo "mdgpu: Python packages installed in $root/.venv"
