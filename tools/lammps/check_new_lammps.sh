#!/usr/bin/env bash
# pair_style mdgpu/nequip against a LAMMPS newer than Debian 12's (the add_request neighbour API of
# LAMMPS >= 2 Jun 2022, and `plugin load`): fetches the LAMMPS source of Debian 13 (trixie; 4 Feb
# 2025, 130 MB) through a temporary deb-src entry, builds it with the PLUGIN package and MPI
# (about 7 minutes on 2 cores), builds mdgpu's pair style against it and runs
# tests/python/test_lammps_pair_style.py with its driver, then one `plugin load` evaluation in
# LAMMPS's own lmp. Not part of CI (its build time). Run as root (apt), from anywhere:
#   tools/lammps/check_new_lammps.sh [WORK_DIR]   (default /tmp/mdgpu-new-lammps)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-/tmp/mdgpu-new-lammps}
mkdir -p "$work" && cd "$work"

list=/etc/apt/sources.list.d/mdgpu-trixie-src.list
echo "deb-src http://deb.debian.org/debian trixie main" >"$list"
trap 'rm -f "$list"' EXIT
apt-get update -qq -o Dir::Etc::sourcelist="$list" -o Dir::Etc::sourceparts=-
# The newest version the lists know (plain `apt-get source lammps` asks for the installed one).
# Only its upstream tarball is needed (the .dsc of a moving suite may be gone already).
version=$(apt-cache showsrc lammps | awk '/^Version:/ { print $2 }' | sort -V | tail -1)
apt-get source --download-only -qq "lammps=$version" 2>/dev/null || true
tarball=$(ls lammps_*.orig.tar.xz | head -1)
[ -n "$tarball" ] || { echo "no LAMMPS source tarball was fetched" >&2; exit 1; }
tar -xJf "$tarball"
src=$(ls -d lammps-*/ | head -1)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$src/cmake" -B lammps-build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=on \
  -DPKG_PLUGIN=on -DBUILD_MPI=on -DBUILD_OMP=off -DCMAKE_INSTALL_PREFIX="$work/install" \
  -DWITH_JPEG=off -DWITH_PNG=off -DWITH_FFMPEG=off -DWITH_GZIP=off "${launcher[@]}" >/dev/null
ninja -C lammps-build install >/dev/null

cmake -S "$repo" -B mdgpu-build -G Ninja -DMDGPU_CUDA=OFF -DMDGPU_BENCHMARKS=OFF "${launcher[@]}" \
  -DLAMMPS_DIR="$work/install/lib/cmake/LAMMPS" -DMDGPU_LAMMPS_SOURCE="$work/$src/src" | grep "pair style"
ninja -C mdgpu-build mdgpu mdgpu_lammps mdgpu-lammps >/dev/null
export LD_LIBRARY_PATH=$work/install/lib OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
/usr/bin/python3 "$repo/tests/python/test_lammps_pair_style.py" mdgpu-build/mdgpu mdgpu-build/lammps/mdgpu-lammps

# `plugin load` into LAMMPS's own lmp gives what the driver gives.
/usr/bin/python3 - "$repo" <<'PY'
import sys
sys.path.insert(0, sys.argv[1] + "/tools/lammps")
import npt_pair_style as t
symbols, pos, vel, cell = t.initial_state()
t.write_data("data.lmp", symbols, pos, vel, cell, sorted(set(symbols)))
PY
for how in plugin driver; do
  {
    [ $how = plugin ] && echo "plugin load $work/mdgpu-build/lammps/libmdgpu_lammps.so"
    printf '%s\n' "units metal" "atom_style atomic" "box tilt large" "read_data data.lmp" \
      "pair_style mdgpu/nequip float64" \
      "pair_coeff * * $repo/inputs/models/LiBC_nequip2fc/LiBC_nequip2fc.mdgpu.h5 B C Li" \
      "thermo_style custom step pe press" "thermo_modify format float %.15g" "run 0"
  } >"in.$how"
done
pe() { grep -A1 '^ *Step' | tail -1; }
plugin=$(mpirun -np 2 "$work/install/bin/lmp" -in in.plugin -log none | pe)
driver=$(mpirun -np 2 mdgpu-build/lammps/mdgpu-lammps -in in.driver -log none | pe)
echo "plugin load: $plugin"
echo "driver:      $driver"
[ "$plugin" = "$driver" ] && echo "plugin load and the driver agree"
