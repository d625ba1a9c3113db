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
# LAMMPS with MPI, to build and test pair_style mdgpu/nequip (lammps/, docs/lammps.md) and to
# regenerate tests/data/lammps (tools/lammps/make_reference.py); MDGPU_WITH_LAMMPS=0 leaves it out
# (the pair style's tests then report as skipped).
optional=(lammps liblammps-dev libopenmpi-dev openmpi-bin dpkg-dev xz-utils)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
if [ "${MDGPU_WITH_LAMMPS:-1}" = 1 ]; then
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${optional[@]}" >/dev/null
  # liblammps-dev lacks headers a pair style includes (neigh_request.h, exceptions.h, fmt/...):
  # they come from the source package of the installed version, unpacked to /opt/mdgpu/lammps
  # (lammps/CMakeLists.txt looks there), through a deb-src entry of bookworm's main archive.
  lammps_src=/opt/mdgpu/lammps
  version="$(dpkg-query -W -f='${source:Version}' lammps)"
  if [ ! -f "$lammps_src/src/neigh_request.h" ] || [ "$(cat "$lammps_src/version" 2>/dev/null)" != "$version" ]; then
    list=/etc/apt/sources.list.d/mdgpu-deb-src.sources
    if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
      printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
        "${sudo_cmd[@]}" tee "$list" >/dev/null
      "${sudo_cmd[@]}" apt-get update -qq
    fi
    work="$(mktemp -d)"
    (cd "$work" && apt-get source --download-only -qq "lammps=$version" >/dev/null 2>&1)
    "${sudo_cmd[@]}" mkdir -p "$lammps_src"
    "${sudo_cmd[@]}" tar -xJf "$work"/lammps_*.orig.tar.xz -C "$lammps_src" --strip-components=1 --wildcards --no-wildcards-match-slash '*/src/*.h' '*/src/fmt/*'
    echo "$version" | "${sudo_cmd[@]}" tee "$lammps_src/version" >/dev/null
    rm -rf "$work"
  fi
  echo "mdgpu: LAMMPS $version with MPI, its headers in $lammps_src/src"
fi
echo "mdgpu: Debian packages installed"

# PyPI packages that Debian lacks (tools/requirements.txt) go into .venv beside the sources, never
# into the system's python. Re-running this script only adds what changed.
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -x "$root/.venv/bin/python" ]; then /usr/bin/python3 -m venv "$root/.venv"; fi
"$root/.venv/bin/python" -m pip install -q --disable-pip-version-check -r "$root/tools/requirements.txt"
echo "mdgpu: Python packages installed in $root/.venv"
