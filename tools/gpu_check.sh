#!/usr/bin/env bash
# The prepared check for a lent H100/H200 (issue 14): one call of the device tool, under 8 minutes.
#
#   tools/gpu_check.sh bundle [--emulated]   here: build for sm_90 (or, --emulated, the CPU build whose
#                                           CUDA backend runs on the SIMT emulator) and pack the
#                                           executables, the shared libraries they need, the ptxas
#                                           reports and a manifest into .gpu/bundle.tar.xz
#   tools/gpu_check.sh run [--emulated]      there, in the repository root: unpack, then the CUDA
#                                           tests, compute-sanitizer on a short NequIP MD run, the
#                                           benchmarks (the float32 NequIP ones both ways, below),
#                                           launch counts and the hottest kernel's profile;
#                                           one results file, $OUT/gpu_check.txt (./gpu_check_out
#                                           without $OUT), with the raw logs beside it
#
# The device call:  run(command="tools/gpu_check.sh run", carry=[".gpu"], timeout_s=540)
# (.gpu holds the bundle, about 20 MB, and the paper and scalar reference models, 28 MB: with the
# tree, under the 64 MiB a call carries.)
# The device image has nvcc, cmake and ninja but not the engine's libraries (fmt, toml++, HDF5,
# netCDF, GoogleTest, Google Benchmark), and it reaches no registry: the executables are built here
# and travel with their libraries (glibc and the driver are the machine's own). --emulated rehearses
# every step here, with the emulator standing in for the GPU (no timings, sanitizer or profiler).
#
# The float32 NequIP benchmarks run twice: with the radial MLP's last layer in 3xTF32 on the tensor
# cores (the default) and as FMA dot products on the CUDA cores, selected by the environment
# variable MDGPU_NEQUIP_MLP=3xtf32|fma (kernels/cuda/nequip_kernels.hpp). Which is faster is this
# check's verdict to record (benches/RESULTS.md, "3xTF32").
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
mode=${1:-}
emulated=0
[ "${2:-}" = "--emulated" ] && emulated=1
bundle_dir=$repo/.gpu

bundle() {
  local build=$repo/build-gpu cuda=AUTO
  if [ $emulated = 1 ]; then build=$repo/build-gpu-emulated; cuda=OFF; fi
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMDGPU_CUDA=$cuda -DMDGPU_LAMMPS=OFF \
    -DCMAKE_CUDA_ARCHITECTURES="90-real;90-virtual" >/dev/null || exit 1
  local targets=(mdgpu mdgpu_tests mdgpu_bench)
  [ $emulated = 1 ] && targets+=(mdgpu_emulated)  # mdgpu with the emulated device visible
  ninja -C "$build" "${targets[@]}" || exit 1
  rm -rf "$bundle_dir/stage" && mkdir -p "$bundle_dir/stage/bin" "$bundle_dir/stage/lib" "$bundle_dir/stage/ptxas"
  local exe
  for exe in mdgpu tests/mdgpu_tests benches/mdgpu_bench $([ $emulated = 1 ] && echo simt/mdgpu_emulated); do
    strip -o "$bundle_dir/stage/bin/$(basename $exe)" "$build/$exe"
  done
  # Every shared library the executables load except glibc's own, the loader and the CUDA driver.
  ldd "$bundle_dir"/stage/bin/* | awk '$3 ~ /^\// { print $3 }' | sort -u |
    grep -Ev '/(libc|libm|libdl|librt|libpthread|ld-linux[^/]*|libcuda)\.so' |
    while read -r lib; do cp -L "$lib" "$bundle_dir/stage/lib/"; done
  find "$build" -name '*.ptxas' -exec cp {} "$bundle_dir/stage/ptxas/" \;
  # The shared reference models the device tests and benchmarks read (../shared does not travel).
  mkdir -p "$bundle_dir/shared/reference/nequip"
  cp "$repo"/../shared/reference/nequip/{paper,scalar}_seed0.h5 "$bundle_dir/shared/reference/nequip/"
  {
    echo "source_dir=$repo"
    echo "commit=$(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet || echo +changes)"
    echo "emulated=$emulated"
    echo "built=$(date -u +%FT%TZ) on $(uname -m) with $( (nvcc --version 2>/dev/null || echo 'no nvcc') | tail -1)"
  } >"$bundle_dir/stage/manifest"
  tar -C "$bundle_dir/stage" -I "xz -T0" -cf "$bundle_dir/bundle.tar.xz" . && rm -rf "$bundle_dir/stage"
  echo "bundle: $(du -h "$bundle_dir/bundle.tar.xz" | cut -f1) in $bundle_dir/bundle.tar.xz (device limit: 64 MiB with the tree)"
}

# --- run ------------------------------------------------------------------------------------------
out=${OUT:-$repo/gpu_check_out}
results=$out/gpu_check.txt
say() { echo "$*" | tee -a "$results"; }

# step NAME LIMIT_S COMMAND...: runs one step with a time limit, its log in $out/NAME.log, and one
# line in the results (status, seconds); a failing step does not stop the others.
step() {
  local name=$1 limit=$2
  shift 2
  # The limits are the GPU's; the emulator runs the device code on the CPU, far slower (the
  # float32 NequIP kernels' 3xTF32 products most of all): five times as long there.
  [ "${emulated:-0}" = 1 ] && limit=$((limit * 5))
  local t0=$SECONDS
  timeout "$limit" "$@" >"$out/$name.log" 2>&1
  local rc=$?
  local verdict=ok
  [ $rc = 0 ] || verdict="FAILED (exit $rc$([ $rc = 124 ] && echo ", past its ${limit} s"))"
  say "$(printf '%-22s %-40s %5d s' "$name" "$verdict" $((SECONDS - t0)))"
  return $rc
}

skip() { say "$(printf '%-22s %s' "$1" "SKIPPED: $2")"; }

# The short MD input with absolute paths, STEPS steps and its outputs in a scratch folder.
md_input() {
  local dir=$1 steps=$2
  mkdir -p "$dir"
  sed -e "s|\.\./\.\./|$repo/|" -e "s|directory = \"out\"|directory = \"$dir/out\"|" -e "s|^steps = .*|steps = $steps|" \
    "$repo/tools/gpu_check/libc_nve.toml" >"$dir/libc_nve.toml"
  echo "$dir/libc_nve.toml"
}

run() {
  mkdir -p "$out" && : >"$results"
  local stage=/tmp/mdgpu_gpu_check
  rm -rf "$stage" && mkdir -p "$stage" && tar -C "$stage" -xJf "$bundle_dir/bundle.tar.xz" || exit 1
  export LD_LIBRARY_PATH=$stage/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export PATH=$stage/bin:$PATH
  # The tests and benchmarks read their data through the source path they were built in, and
  # the shared reference models beside it: that layout is made again here when it is missing.
  local source_dir
  source_dir=$(sed -n 's/^source_dir=//p' "$stage/manifest")
  if [ ! -e "$source_dir" ]; then
    mkdir -p "$(dirname "$source_dir")" && cp -a "$repo" "$source_dir" || exit 1
  fi
  [ -e "$source_dir/../shared" ] || ln -s "$bundle_dir/shared" "$source_dir/../shared"
  repo=$source_dir
  cd "$repo" || exit 1
  if [ "$(sed -n 's/^emulated=//p' "$stage/manifest")" = 1 ]; then
    emulated=1
    export MDGPU_SIMT_DEVICE=1
  fi
  say "mdgpu GPU check, $(date -u +%FT%TZ)"
  sed 's/^/  /' "$stage/manifest" | tee -a "$results"
  if [ $emulated = 1 ]; then
    say "  device: the SIMT emulator on $(nproc) CPU cores (a rehearsal: no timings, sanitizer or profiler)"
  else
    say "  device: $(nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv,noheader 2>&1)"
  fi

  # 1. The build gate (the reports of this bundle's compile).
  if ls "$stage"/ptxas/*.ptxas >/dev/null 2>&1; then
    step ptxas_budget 60 python3 "$repo/tools/check_ptxas.py" --build-dir "$stage/ptxas"
  else
    skip ptxas_budget "no ptxas reports in the bundle (emulated build)"
  fi

  # 2. The CUDA tests: every test instantiated for the cuda backend and the NequIP device tests.
  local filter='*/cuda:*/cuda_*:NequipCuda.*:*Device*'
  [ $emulated = 1 ] && filter='*/cuda:*/cuda_*:NequipCuda.SmallModel-*NveConservesEnergy/cuda:*SamplesTheCanonicalEnsemble/cuda'
  step cuda_tests 240 mdgpu_tests --gtest_filter="$filter" --gtest_brief=1
  grep -E '^\[  (PASSED|FAILED|SKIPPED) ' "$out/cuda_tests.log" | sed 's/^/  /' | tee -a "$results"

  # 3. A short NequIP MD run, plain and under compute-sanitizer's four tools.
  local input mdgpu=mdgpu
  input=$(md_input /tmp/mdgpu_gpu_check_md 20)
  [ $emulated = 1 ] && mdgpu=mdgpu_emulated && input=$(md_input /tmp/mdgpu_gpu_check_md 2)
  step md_run 120 $mdgpu run --backend cuda "$input"
  grep -E '^done:' "$out/md_run.log" | sed 's/^/  /' | tee -a "$results"
  if [ $emulated = 1 ]; then
    skip compute_sanitizer "not on this machine (the emulator's own checks ran in md_run)"
  elif ! command -v compute-sanitizer >/dev/null; then
    skip compute_sanitizer "compute-sanitizer not on PATH"
  else
    local tool
    for tool in memcheck racecheck synccheck initcheck; do
      step "sanitizer_$tool" 120 compute-sanitizer --tool "$tool" --error-exitcode 3 \
        mdgpu run --backend cuda --quiet --overwrite "$input"
      grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$out/sanitizer_$tool.log" | sed 's/^/  /' | tee -a "$results"
    done
  fi

  # 4. Benchmarks (Google Benchmark JSON beside the results), the NequIP ones with the default
  # 3xTF32 radial MLP; then the float32 NequIP ones again with its FMA path.
  local nequip32='^NequipEval/.*/float32/cuda(/|$)'  # names end in /real_time
  if [ $emulated = 1 ]; then
    nequip32='^NequipEval/small_seed0/lipon124/float32/cuda(/|$)'
    step bench 240 env MDGPU_NEQUIP_MLP=3xtf32 mdgpu_bench \
      --benchmark_filter="^(NeighborBuild|Forces|MDStep)/cuda/cells:6/|$nequip32" \
      --benchmark_min_time=0.01 --benchmark_out="$out/bench.json"
  else
    step bench 240 env MDGPU_NEQUIP_MLP=3xtf32 mdgpu_bench --benchmark_filter='/cuda(/|$)' \
      --benchmark_out="$out/bench.json"
  fi
  grep -E '^(NeighborBuild|Forces|MDStep|NequipEval)' "$out/bench.log" | sed 's/^/  /' | tee -a "$results"
  step bench_nequip_fma 150 env MDGPU_NEQUIP_MLP=fma mdgpu_bench --benchmark_filter="$nequip32" \
    --benchmark_out="$out/bench_nequip_fma.json"
  grep -E '^NequipEval' "$out/bench_nequip_fma.log" | sed 's/^/  MLP as FMA: /' | tee -a "$results"

  # 5. Launches per MD step and the hottest kernel, from Nsight Compute (nsys does not run there).
  if [ $emulated = 1 ] || ! command -v ncu >/dev/null; then
    skip ncu "$([ $emulated = 1 ] && echo 'the emulator counts launches in the tests (SimtCounts)' || echo 'ncu not on PATH')"
  else
    step ncu_launches 120 ncu --clock-control none --metrics gpu__time_duration.sum --csv \
      mdgpu run --backend cuda --quiet --overwrite "$input"
    python3 "$repo/tools/gpu_check/ncu_summary.py" "$out/ncu_launches.log" "$out/hottest" | tee -a "$results"
    local hottest
    hottest=$(cat "$out/hottest")
    step ncu_hottest 120 ncu --clock-control none --section SpeedOfLight --kernel-name-base demangled \
      -k "regex:$hottest" --launch-skip 5 --launch-count 1 mdgpu run --backend cuda --quiet --overwrite "$input"
    grep -E 'Memory Throughput|Compute \(SM\) Throughput|Duration|DRAM Throughput' "$out/ncu_hottest.log" |
      sed "s/^/  $hottest: /" | tee -a "$results"
  fi
  say "done in $SECONDS s; logs in $out"
}

case $mode in
  bundle) bundle ;;
  run) run ;;
  *) sed -n '2,25p' "$0"; exit 2 ;;
esac
