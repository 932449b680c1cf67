#!/bin/sh
# The comparison table of docs/benchmarks.md in one run: instruction
# counts under callgrind (when valgrind is installed), then CPU time, both
# printed by bench_compare as claimset / reference with the ratio.
#
#   bench/compare.sh BUILD_DIR [--quick]
#
# BUILD_DIR is a Release build tree holding bench/bench_compare.
set -eu

build=${1:?usage: compare.sh BUILD_DIR [--quick]}
shift
prog=$build/bench/bench_compare
[ -x "$prog" ] || { echo "compare.sh: $prog not built" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

if command -v valgrind >/dev/null 2>&1; then
    # Collection is off except inside the measured loops; each loop ends
    # with a dump named <figure>-<side>:<operations>.
    valgrind --tool=callgrind --collect-atstart=no \
        --callgrind-out-file="$tmp/cg.out" "$prog" --instr "$@" >/dev/null 2>"$tmp/vg.log" || {
        cat "$tmp/vg.log" >&2
        exit 1
    }
    for f in "$tmp"/cg.out*; do
        awk '/^desc: Trigger: Client Request: / { split($5, a, ":"); name = a[1]; ops = a[2] }
             /^totals: / { if (name != "") printf "%s %.1f\n", name, $2 / ops }' "$f"
    done >"$tmp/instr"
    exec_args="--instructions $tmp/instr"
else
    echo "compare.sh: valgrind not found: CPU time only" >&2
    exec_args=
fi
# shellcheck disable=SC2086
"$prog" $exec_args "$@"
