#!/usr/bin/env bash
# The libFuzzer targets (docs/testing.md):
#
#   fuzz/run.sh check [TARGET...]  build, then run each target for a fixed
#                                  number of executions from its committed
#                                  corpus with a fixed seed (make check)
#   fuzz/run.sh soak [TARGET...]   the same, far longer, with a fresh seed;
#                                  what it finds is kept in build/fuzz/soak/
#   fuzz/run.sh seeds              regenerate the committed seed corpus
#   fuzz/run.sh build              only build
#
# TARGET is a name such as fuzz_domctl (default: all).  Every run is bounded
# by executions, never by time, so a verdict cannot depend on how busy the
# machine is; a crash, sanitizer report or broken property fails the run
# and leaves the input in build/fuzz/artifacts/.  Environment: JOBS
# (targets run side by side; default 2), FUZZ_BUILD (default build/fuzz),
# FUZZ_SCALE (multiplies the soak's executions; default 1), FUZZ_SEED
# (the soak's seed; default from the clock, printed).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-}
shift || true
B=${FUZZ_BUILD:-build/fuzz}
JOBS=${JOBS:-2}
CC_FUZZ=clang-14
# Longest soak first, so that two at a time finish together.
ALL="fuzz_scenario fuzz_topology fuzz_topology_file fuzz_domctl fuzz_memory_op fuzz_sysctl"

# Per target: executions in check, executions in soak, -max_len,
# dictionary, -len_control (0 for inputs that are programs of several
# steps: libFuzzer's slow growth of the length limit would keep them to
# one step for a long time).
params() {
    case $1 in
    fuzz_topology) echo "30000 5000000 512 topology 100" ;;
    fuzz_topology_file) echo "20000 4000000 1024 topology 100" ;;
    fuzz_scenario) echo "6000 900000 2048 scenario 0" ;;
    fuzz_domctl) echo "1500 60000 4096 - 0" ;;
    fuzz_memory_op) echo "1500 60000 4096 - 0" ;;
    fuzz_sysctl) echo "1500 60000 4096 - 0" ;;
    *)
        echo "unknown target '$1' (targets: $ALL)" >&2
        exit 2
        ;;
    esac
}

# clang 14 and its libFuzzer runtime, from Debian, when missing.
need_clang() {
    if command -v "$CC_FUZZ" >/dev/null &&
        [ -f "$("$CC_FUZZ" -print-resource-dir)/lib/linux/libclang_rt.fuzzer-x86_64.a" ]; then
        return
    fi
    echo "installing clang-14 and libclang-rt-14-dev (libFuzzer)"
    apt-get update -qq && apt-get install -y -qq clang-14 libclang-rt-14-dev >/dev/null
}

build() {
    need_clang
    # Debug checks on (lock witness, invariant checker) at -O1, with
    # ASan and UBSan, as every fuzz target runs.
    cmake -S . -B "$B" -DCMAKE_C_COMPILER="$CC_FUZZ" -DCMAKE_BUILD_TYPE=Debug \
        "-DCMAKE_C_FLAGS_DEBUG=-O1 -g" -DCLAIMSET_CHECKS=ON -DCLAIMSET_FUZZ=ON \
        -DCLAIMSET_SANITIZE=address,undefined >/dev/null
    cmake --build "$B" -j "${BUILD_JOBS:-$JOBS}" --target fuzz_all
}

# run MODE TARGET: one libFuzzer run; its log in $B/logs/MODE/TARGET.log.
run_one() {
    local mode=$1 t=$2 runs max_len dict len_control work seed args
    read -r check_runs soak_runs max_len dict len_control <<<"$(params "$t")"
    mkdir -p "$B/logs/$mode" "$B/artifacts"
    if [ "$mode" = check ]; then
        runs=$check_runs
        seed=1
        work=$(mktemp -d "$B/check-XXXXXX") # new finds are thrown away
        # Nothing that looks at the clock: no per-input time limit, no
        # re-reading of the corpus every second, no thread watching the
        # memory use (the limit on single allocations stays).
        args=(-timeout=0 -reload=0 -rss_limit_mb=0 -malloc_limit_mb=2048)
    else
        runs=$((soak_runs * ${FUZZ_SCALE:-1}))
        seed=$SOAK_SEED
        work="$B/soak/$t"
        mkdir -p "$work"
        args=(-timeout=120 -rss_limit_mb=2048)
    fi
    [ "$dict" = - ] || args+=(-dict="fuzz/dict/$dict.dict")
    # CLAIMSET_CHECK would change the checker's level; the targets set it.
    env -u CLAIMSET_CHECK ASAN_OPTIONS=detect_leaks=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$B/fuzz/$t" -runs="$runs" -seed="$seed" -max_len="$max_len" -len_control="$len_control" \
        -print_final_stats=1 -artifact_prefix="$B/artifacts/$t-" "${args[@]}" \
        "$work" "fuzz/corpus/$t" >"$B/logs/$mode/$t.log" 2>&1
    local rc=$?
    [ "$mode" = check ] && rm -rf "$work"
    return $rc
}

# One summary line per target from its log.
summary() { # mode, target
    local t=$2 log=$B/logs/$1/$2.log
    local last execs speed
    last=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    printf '%-20s %10s execs %7s exec/s  %s\n' "$t" "${execs:-?}" "${speed:-?}" \
        "$(echo "$last" | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+')"
}

run_all() {
    local mode=$1 start failed=0 total=0
    shift
    local targets=("$@")
    [ ${#targets[@]} -gt 0 ] || read -r -a targets <<<"$ALL"
    for t in "${targets[@]}"; do params "$t" >/dev/null; done
    start=$(date +%s)
    export -f run_one params
    export B SOAK_SEED
    # Side by side, JOBS at a time; each run's verdict is its own.
    # shellcheck disable=SC2016 # $0 and $1 are the inner shell's
    if ! printf '%s\n' "${targets[@]}" |
        xargs -P "$JOBS" -I{} bash -c 'run_one "$0" "$1" || { echo "FAILED: $1"; exit 1; }' \
            "$mode" {}; then
        failed=1
    fi
    echo "target               executions    speed   coverage (edges, features, corpus)"
    for t in "${targets[@]}"; do
        summary "$mode" "$t"
        total=$((total + $(sed -n 's/^stat::number_of_executed_units: *//p' \
            "$B/logs/$mode/$t.log" || echo 0)))
    done
    echo "total: $total executions in $(($(date +%s) - start)) s"
    if [ $failed = 1 ]; then
        for t in "${targets[@]}"; do
            local log=$B/logs/$mode/$t.log
            if grep -qE 'ERROR|fuzz property broken|deadly signal|runtime error' "$log"; then
                echo "--- $t (full log: $log)"
                grep -E 'fuzz property broken|ERROR|SUMMARY|runtime error|Test unit written' \
                    "$log" | head -20
            fi
        done
        return 1
    fi
}

seeds() {
    local d
    build
    for d in fuzz_domctl fuzz_memory_op fuzz_sysctl fuzz_topology fuzz_topology_file fuzz_scenario; do
        mkdir -p "fuzz/corpus/$d"
        rm -f fuzz/corpus/$d/seed-*
    done
    "$B/fuzz/fuzz_seedgen" fuzz/corpus
    fuzz/seeds/text-seeds.sh fuzz/corpus
}

case $MODE in
build) build ;;
check)
    start=$(date +%s)
    build
    run_all check "$@"
    echo "fuzz check: $(($(date +%s) - start)) s"
    ;;
soak)
    SOAK_SEED=${FUZZ_SEED:-$(($(date +%s) % 1000000))}
    echo "soak seed: $SOAK_SEED (FUZZ_SEED=$SOAK_SEED repeats this run)"
    build
    run_all soak "$@"
    ;;
seeds) seeds ;;
*)
    sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 2
    ;;
esac
