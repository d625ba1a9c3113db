#!/usr/bin/env bash
# The whole test suite again, built with AddressSanitizer and UndefinedBehaviorSanitizer
# (MDGPU_SANITIZE=ON): out-of-bounds and use-after-free accesses, leaks and undefined behaviour
# abort the test that meets them, including in the mdgpu binary the CLI tests start. CPU build
# only (device code cannot be instrumented), no benchmarks. About 15 minutes on 2 cores.
# Usage: tools/sanitizer_tests.sh [BUILD_DIR]   (default build-sanitize)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-sanitize}"
# Line tables only (-g1): the sanitizers' reports still name file and line, and the build is a
# quarter faster than with full debug information.
cmake -S . -B "$build" -G Ninja -DMDGPU_SANITIZE=ON -DMDGPU_CUDA=OFF -DMDGPU_BENCHMARKS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"
cmake --build "$build"
# Left out here (the everyday suite runs them): long statistical runs whose code paths shorter tests
# of this pass cover — NequIP MD (RestartTest.NequipRunContinuesBitwise), the Nequix melt-quench
# protocol (NequixReference.*, python.inputs), LJ sampling and diffusion (the integrator, thermostat
# and analysis tests), and Nequix's reference agreement on its two larger structures (the same code
# as NequixReference.SmallStructures, which stays). Under the sanitizers they took about 14 of the
# pass's 30 CPU-minutes.
long_statistics='^(NequixReference\.(Lipon124|LiLiponInterface220)|NequipMd\.NveEnergyErrorIsSecondOrderInTheTimestep|python\.nequix_meltquench|RahmanArgon\..*|LammpsParityNvt\.NoseHooverAveragesMatch|MsdCoverage\.IndependentLennardJonesRunsScatterAsTheirErrorsSay|Backends/IntegratorTest\.NveConservesEnergy/cpu)$'
ctest --test-dir "$build" -j2 --output-on-failure -E "$long_statistics"
