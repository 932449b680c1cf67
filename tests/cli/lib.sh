# shellcheck shell=sh
# Shared parts of the claimset command's test scripts (run_cli_tests.sh,
# run_sim_cli_tests.sh), sourced by both:
#
#   . "$(dirname "$0")/lib.sh"
#   cli_start PREFIX "$@"     # checks the arguments, sets up; see below
#   ... checks ...
#   cli_finish                # the summary line and the exit status
#
# Every check counts one pass (ok) or prints one "FAIL: ..." line (bad).
# UPDATE_GOLDEN=1 makes compare_golden rewrite the golden files instead
# of comparing.

# cli_start PREFIX BINARY: exit 2 unless BINARY is one executable file;
# then set $bin (absolute), cd to the repository root (so that paths in
# outputs are relative), make the work directory $work (PREFIX names it;
# removed on exit), unset CLAIMSET_TOPOLOGY and zero the counters.
cli_start() {
    prefix=$1
    shift
    if [ $# -ne 1 ] || [ ! -x "$1" ]; then
        echo "usage: $0 BINARY" >&2
        exit 2
    fi
    case $1 in
    /*) bin=$1 ;;
    *) bin=$(pwd)/$1 ;;
    esac
    root=$(cd "$(dirname "$0")/../.." && pwd)
    cd "$root" || exit 2
    golden=tests/cli/golden
    work=$(mktemp -d "${TMPDIR:-/tmp}/$prefix.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    unset CLAIMSET_TOPOLOGY
    passed=0
    failed=0
}

# cli_finish: print the summary; the status is 0 when nothing failed.
cli_finish() {
    echo "# $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

ok() {
    passed=$((passed + 1))
}

bad() {
    failed=$((failed + 1))
    echo "FAIL: $*"
}

# run ARGS...: the binary's stdout, stderr and status in $work/out,
# $work/err and $rc.
run() {
    "$bin" "$@" >"$work/out" 2>"$work/err"
    rc=$?
}

# run_env VAR=VALUE ARGS...
run_env() {
    assignment=$1
    shift
    env "$assignment" "$bin" "$@" >"$work/out" 2>"$work/err"
    rc=$?
}

# expect_rc NAME WANT: after run.
expect_rc() {
    if [ "$rc" -eq "$2" ]; then
        ok
    else
        bad "$1: exit status $rc, expected $2; stderr: $(head -c 300 "$work/err")"
    fi
}

# expect_empty_err NAME: after run.
expect_empty_err() {
    if [ -s "$work/err" ]; then
        bad "$1: stderr not empty: $(head -c 300 "$work/err")"
    else
        ok
    fi
}

# expect_err_line NAME LINE: stderr is exactly that one line.
expect_err_line() {
    printf '%s\n' "$2" >"$work/want"
    if cmp -s "$work/want" "$work/err"; then
        ok
    else
        bad "$1: stderr is"
        sed 's/^/    | /' "$work/err"
        echo "    expected:"
        sed 's/^/    | /' "$work/want"
    fi
}

# usage NAME MESSAGE ARGS...: exit 2, MESSAGE as the only stderr line,
# nothing on stdout.
usage() {
    name=$1
    msg=$2
    shift 2
    run "$@"
    expect_rc "$name" 2
    expect_err_line "$name" "$msg"
    if [ -s "$work/out" ]; then
        bad "$name: a usage error printed on stdout"
    else
        ok
    fi
}

# full_disk NAME PROG ARGS...: with stdout on /dev/full (every write
# fails with ENOSPC) the command exits 1 and says so on stderr, as PROG,
# on its last line.  Skipped where there is no /dev/full.
full_disk() {
    name=$1
    prog=$2
    shift 2
    [ -w /dev/full ] || return 0
    "$bin" "$@" >/dev/full 2>"$work/err"
    rc=$?
    expect_rc "$name" 1
    if [ "$(tail -n 1 "$work/err")" = "$prog: cannot write the output: No space left on device" ]; then
        ok
    else
        bad "$name: last stderr line '$(tail -n 1 "$work/err" | head -c 300)'"
    fi
}

# compare_golden NAME GOLDEN [FILE]: FILE (default: the last stdout)
# against tests/cli/golden/GOLDEN.
compare_golden() {
    actual=${3:-$work/out}
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$actual" "$golden/$2"
        ok
    elif diff -u "$golden/$2" "$actual" >"$work/diff"; then
        ok
    else
        bad "$1: output differs from $golden/$2"
        head -40 "$work/diff" | sed 's/^/    /'
    fi
}

# golden NAME GOLDEN ARGS...: exit 0, empty stderr, stdout as GOLDEN.
golden() {
    name=$1
    file=$2
    shift 2
    run "$@"
    expect_rc "$name" 0
    if [ -s "$work/err" ]; then
        bad "$name: stderr not empty: $(head -c 300 "$work/err")"
    fi
    compare_golden "$name" "$file"
}

# contains NAME FILE TEXT: FILE holds TEXT (a fixed string).
contains() {
    if grep -qF -- "$3" "$2"; then
        ok
    else
        bad "$1: '$3' not found in $(basename "$2")"
    fi
}
