#!/usr/bin/env bash
# The whole test suite, as CI runs it:
#   1. formatting (clang-format 14, the committed .clang-format)
#   2. Debug build (lock witness + invariant checker after every mutating
#      call) and every test
#   3. ASan + UBSan build and every test
#   4. TSan build and the threaded tests (label "stress")
#   5. Release build, install into a scratch prefix, and the contract
#      programs compiled against the installed headers and pkg-config
# Stops at the first failure.  JOBS sets build parallelism (default: nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
B=${BUILD_ROOT:-build}

step() { printf '\n=== %s\n' "$*"; }

configure_build() { # dir, cmake args...
    local dir=$1
    shift
    cmake -S . -B "$dir" "$@" >/dev/null
    cmake --build "$dir" -j "$JOBS"
}

step "format check"
clang-format --dry-run --Werror $(git ls-files '*.c' '*.h')

step "debug build and tests"
configure_build "$B/debug" -DCMAKE_BUILD_TYPE=Debug
ctest --test-dir "$B/debug" -j "$JOBS" --output-on-failure

step "ASan+UBSan build and tests"
configure_build "$B/asan" -DCMAKE_BUILD_TYPE=Debug -DCLAIMSET_SANITIZE=address,undefined
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "$B/asan" -j "$JOBS" --output-on-failure

step "TSan build and threaded tests"
configure_build "$B/tsan" -DCMAKE_BUILD_TYPE=Debug -DCLAIMSET_SANITIZE=thread
TSAN_OPTIONS=halt_on_error=1 ctest --test-dir "$B/tsan" -L stress -j "$JOBS" --output-on-failure

step "release build, install, contract programs"
configure_build "$B/release" -DCMAKE_BUILD_TYPE=Release
ctest --test-dir "$B/release" -j "$JOBS" --output-on-failure -L 'bench|cli'
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$B/release" --prefix "$prefix" >/dev/null
if [ -x tests/contract/run.sh ]; then
    tests/contract/run.sh "$prefix"
fi

step "all checks passed"
