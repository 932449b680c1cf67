#!/bin/sh
# claimset -V / --version everywhere, and `claimset version [--json]`:
#
#   tests/cli/run_version_tests.sh BINARY BUILD_TYPE CHECKS SANITIZE XEN
#
# BUILD_TYPE, CHECKS (1 or 0), SANITIZE and XEN (1 or 0) are what CMake
# configured for this build tree; the command must report exactly those,
# so a build option that stops reaching the binary fails here.  The
# version must be project(VERSION) of CMakeLists.txt.
set -u

# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
[ $# -eq 5 ] || { echo "usage: $0 BINARY BUILD_TYPE CHECKS SANITIZE XEN" >&2; exit 2; }
want_type=$2
want_checks=$3
want_sanitize=$4
want_xen=$5
cli_start claimset-version "$1"

version=$(sed -n 's/^project(claimset VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || { echo "no version in CMakeLists.txt" >&2; exit 2; }

# expect_version NAME ARGS...: prints exactly "claimset VERSION", status 0.
expect_version() {
    name=$1
    shift
    run "$@"
    expect_rc "$name" 0
    expect_empty_err "$name"
    if [ "$(cat "$work/out")" = "claimset $version" ]; then ok; else
        bad "$name: '$(head -c 200 "$work/out")', expected 'claimset $version'"
    fi
}

echo "# -V and --version, top level and on every subcommand"
expect_version top-V -V
expect_version top-version --version
# Every command the top-level help lists, so a new one is covered too.
cmds=$("$bin" --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' | grep -vx help)
[ -n "$cmds" ] || bad "no commands found in claimset --help"
for cmd in $cmds; do
    expect_version "$cmd-V" "$cmd" -V
    expect_version "$cmd-version" "$cmd" --version
    # The help of each command lists the option.
    run "$cmd" --help
    if grep -q -- '-V, --version' "$work/out"; then ok; else bad "$cmd --help does not list -V, --version"; fi
done
# After "--" it is an argument, not the option.
usage run-dashdash-V "claimset run: cannot open '-V': No such file or directory" run -- -V
# A value is a value: --topology takes "-V" as its argument.
run info --topology -V
expect_rc info-topology-V 2

echo "# claimset version"
run version
expect_rc version-text 0
if [ "$(head -1 "$work/out")" = "claimset $version" ]; then ok; else bad "version: first line '$(head -1 "$work/out")'"; fi
if [ "$want_checks" = 1 ]; then checks_word=on; else checks_word=off; fi
contains version-text-checks "$work/out" "debug checks  : $checks_word"

run version --json
expect_rc version-json 0
expect_empty_err version-json
json=$work/version.json
cp "$work/out" "$json"
if [ "$want_checks" = 1 ]; then checks_json=true; else checks_json=false; fi
if [ "$want_xen" = 1 ]; then xen_json=true; else xen_json=false; fi
contains json-version "$json" "\"version\": \"$version\""
contains json-build-type "$json" "\"build_type\": \"$want_type\""
contains json-checks "$json" "\"checks\": $checks_json,"
contains json-sanitizers "$json" "\"sanitizers\": \"$want_sanitize\""
contains json-xen "$json" "\"xen_backend\": $xen_json"
# One object, and valid JSON where a parser is at hand.
if command -v python3 >/dev/null 2>&1; then
    if python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert isinstance(d["checks"], bool)' "$json" 2>"$work/py.err"; then
        ok
    else
        bad "version --json is not valid JSON: $(head -c 300 "$work/py.err")"
    fi
fi

usage version-extra "claimset version: unexpected argument 'x'" version x
usage version-bad-option "claimset version: unknown option '--csv' (see --help)" version --csv
usage version-json-value "claimset version: --json takes no value" version --json=1

cli_finish
