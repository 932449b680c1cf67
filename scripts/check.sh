#!/usr/bin/env bash
# The whole test suite, as CI runs it:
#   1. formatting (clang-format 14, the committed .clang-format)
#   2. Debug build with the debug checks on (lock witness + invariant
#      checker after every mutating call) and every test but the install
#      tests (label "install": stage 6 runs them on the library shipped)
#   3. ASan + UBSan build (checks on) and every test but those
#   4. libFuzzer targets (clang 14, checks on, ASan + UBSan), each for a
#      fixed number of executions from the committed corpus
#      (fuzz/run.sh check)
#   5. TSan build (checks on) and the threaded tests (label "stress")
#   6. Release build (checks off, the library `make install` installs):
#      benchmark smoke test, CLI, build-type and installed-symbol tests,
#      then install into a scratch prefix and the contract programs
#      compiled against the installed headers and pkg-config; the man
#      pages and the bash completion installed
#   7. documentation: `make docs` (the Sphinx site and the man pages,
#      warnings as errors, committed man pages current, internal links),
#      then the site in headless Chromium (tests/docs/run_site_check.sh)
# Every randomised test runs with its fixed, printed seed and step budget;
# `make soak` is the place for fresh seeds and long runs.  Each stage
# prints its wall time.  Stops at the first failure.  JOBS sets build and
# test parallelism (default: nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
B=${BUILD_ROOT:-build}

stage=
stage_start=$SECONDS
all_start=$SECONDS
elapsed() { # seconds
    printf '%d:%02d' $(($1 / 60)) $(($1 % 60))
}
end_stage() {
    [ -z "$stage" ] || printf '=== %s: %s\n' "$stage" "$(elapsed $((SECONDS - stage_start)))"
}
step() {
    end_stage
    stage=$*
    stage_start=$SECONDS
    printf '\n=== %s\n' "$stage"
}

configure_build() { # dir, cmake args...
    local dir=$1
    shift
    cmake -S . -B "$dir" "$@" >/dev/null
    cmake --build "$dir" -j "$JOBS"
}

step "format check"
git ls-files -z '*.c' '*.h' | xargs -0 clang-format --dry-run --Werror

step "debug build and tests"
configure_build "$B/debug" -DCMAKE_BUILD_TYPE=Debug -DCLAIMSET_CHECKS=ON
# The browser check of the HTML report runs once, in the ASan stage, where
# the page's generator also runs sanitized.
ctest --test-dir "$B/debug" -j "$JOBS" --output-on-failure -LE 'install|html'

step "ASan+UBSan build and tests"
configure_build "$B/asan" -DCMAKE_BUILD_TYPE=Debug -DCLAIMSET_CHECKS=ON \
    -DCLAIMSET_SANITIZE=address,undefined
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "$B/asan" -j "$JOBS" --output-on-failure -LE install

step "fuzz targets, bounded executions"
FUZZ_BUILD="$B/fuzz" JOBS="$JOBS" fuzz/run.sh check

step "TSan build and threaded tests"
configure_build "$B/tsan" -DCMAKE_BUILD_TYPE=Debug -DCLAIMSET_CHECKS=ON \
    -DCLAIMSET_SANITIZE=thread
TSAN_OPTIONS=halt_on_error=1 ctest --test-dir "$B/tsan" -L stress -j "$JOBS" --output-on-failure

step "release build, install, contract programs"
configure_build "$B/release" -DCMAKE_BUILD_TYPE=Release -DCLAIMSET_CHECKS=OFF
ctest --test-dir "$B/release" -j "$JOBS" --output-on-failure -L 'bench|cli|install'
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$B/release" --prefix "$prefix" >/dev/null
if [ -x tests/contract/run.sh ]; then
    tests/contract/run.sh "$prefix"
fi
tests/docs/check_installed.sh "$prefix"

step "documentation: site, man pages, browser"
DOCS_BUILD="$B/docs" scripts/docs.sh
rc=0
sh tests/docs/run_site_check.sh "$B/docs/html" || rc=$?
[ $rc = 0 ] || [ $rc = 77 ] || exit $rc

end_stage
stage=
printf '\n=== all checks passed in %s\n' "$(elapsed $((SECONDS - all_start)))"
