#!/usr/bin/env bash
# CUDA compiler launcher (CMakeLists.txt): runs one nvcc compile with --resource-usage, keeps
# ptxas's report of every kernel in <object>.ptxas for tools/check_ptxas.py (ctest
# cuda.ptxas_budget), and prints one summary line per object to the build log instead of the
# hundreds of report lines. Everything else nvcc prints (errors, warnings) passes through.
set -uo pipefail
object=""
previous=""
for arg in "$@"; do
  [ "$previous" = "-o" ] && object=$arg
  previous=$arg
done
report=$(mktemp)
trap 'rm -f "$report"' EXIT
"$@" 2>"$report"
status=$?
report_line='^(ptxas info|    [0-9]+ bytes stack frame)'
grep -Ev "$report_line" "$report" >&2
if [ -n "$object" ] && grep -q '^ptxas info' "$report"; then
  grep -E "$report_line" "$report" >"$object.ptxas"
  awk -v object="$(basename "$object" .o)" '
    /Compiling entry function/ { kernels++ }
    /bytes spill stores/ { if ($5 + $9 > 0) spilled++ }
    /Used [0-9]+ registers/ { for (i = 1; i < NF; i++) if ($(i + 1) == "registers," || $(i + 1) == "registers") if ($i > most) most = $i }
    END { if (kernels) printf "ptxas: %s: %d kernels, at most %d registers, %d with spills\n", object, kernels, most, spilled }
  ' "$object.ptxas" >&2
fi
exit $status
