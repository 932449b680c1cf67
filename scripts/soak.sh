#!/usr/bin/env bash
# Long randomised runs, for finding what CI's fixed seeds do not:
#   make soak [SOAK_ROUNDS=n] [SOAK_SCALE=k] [SOAK_SEED=s]
#
# Builds Debug with the debug checks and ASan+UBSan (build/soak), then for
# each of SOAK_ROUNDS rounds (default 4) draws a fresh seed and runs every
# randomised test program (those whose source calls test_seed()) with
# CS_SEED set to it and CS_SCALE=SOAK_SCALE (default 10): every step
# budget times SOAK_SCALE, every seed printed.  The work is a budget of
# steps (rounds x scale x CI's budgets), not of time.  SOAK_SEED fixes the
# first round's seed (rounds use consecutive seeds).  Then, when the tree
# has fuzzing targets, `fuzz/run.sh soak`.  Stops at the first failure
# with the command that replays it.  JOBS sets build parallelism.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
B=${BUILD_ROOT:-build}/soak
ROUNDS=${SOAK_ROUNDS:-4}
SCALE=${SOAK_SCALE:-10}
seed=${SOAK_SEED:-$(od -An -N6 -tu8 /dev/urandom | tr -d ' ')}
start=$SECONDS

elapsed() { # seconds
    printf '%d:%02d' $(($1 / 60)) $(($1 % 60))
}

printf '=== soak build (Debug, checks, ASan+UBSan)\n'
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Debug -DCLAIMSET_CHECKS=ON \
    -DCLAIMSET_SANITIZE=address,undefined >/dev/null
cmake --build "$B" -j "$JOBS" >/dev/null

# test_harness only checks test_seed() itself.
programs=$(grep -l 'test_seed()' tests/unit/*.c tests/integration/*.c tests/stress/*.c |
    sed 's|.*/||; s|\.c$||' | grep -v '^test_harness$' | sort)
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 CS_SCALE=$SCALE
for ((round = 1; round <= ROUNDS; round++, seed++)); do
    round_start=$SECONDS
    printf '\n=== round %d of %d: CS_SEED=%s CS_SCALE=%s\n' "$round" "$ROUNDS" "$seed" "$SCALE"
    for p in $programs; do
        if ! CS_SEED=$seed "$B/tests/$p" >"$B/soak-$p.log" 2>&1; then
            grep -E '^not ok|FAIL|MISMATCH|ERROR' "$B/soak-$p.log" | head -20 || true
            printf '\nsoak: %s failed; replay with:\n  CS_SEED=%s CS_SCALE=%s %s\n' \
                "$p" "$seed" "$SCALE" "$B/tests/$p"
            exit 1
        fi
        printf '  ok %s: %s cases\n' "$p" "$(grep -c '^ok' "$B/soak-$p.log")"
    done
    printf '=== round %d: %s\n' "$round" "$(elapsed $((SECONDS - round_start)))"
done

if [ -x fuzz/run.sh ]; then
    printf '\n=== fuzzing: fuzz/run.sh soak\n'
    fuzz/run.sh soak
fi
printf '\n=== soak passed: %d rounds at scale %s in %s\n' "$ROUNDS" "$SCALE" \
    "$(elapsed $((SECONDS - start)))"
