#!/bin/sh
# Which build gets the debug checks, and with what optimisation: configure
# the project (no build) the ways users and distributions do, and check
# the line in which the configuration states its decision.
#
#   tests/build/check_build_types.sh CMAKE SOURCE_DIR
#
# No type given is Release; Release, RelWithDebInfo (same -O3, plus -g)
# and None (a distribution's CFLAGS, -O2 when they name no level) are
# fast, without checks; Debug has them; CLAIMSET_CHECKS=ON|OFF overrides.
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 CMAKE SOURCE_DIR" >&2
    exit 2
fi
cmake=$1
src=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/claimset-build-types.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0

# expect DIR WANT [CMAKE ARGS...]: configure DIR; its decision must match
# the extended regular expression WANT.
expect() {
    dir=$1
    want=$2
    shift 2
    if ! "$cmake" -S "$src" -B "$work/$dir" "$@" >"$work/out" 2>&1; then
        fail=1
        echo "FAIL configure $*:"
        sed 's/^/     /' "$work/out"
        return
    fi
    said=$(grep '^-- claimset:' "$work/out")
    if echo "$said" | grep -Eq "$want"; then
        echo "ok   ${*:-(no options)}: ${said#-- claimset: }"
    else
        fail=1
        echo "FAIL ${*:-(no options)}: '$said' does not match '$want'"
    fi
}

unset CFLAGS
expect plain 'Release build, debug checks off, C flags: -O3 -DNDEBUG$'
expect plain 'RelWithDebInfo build, debug checks off, C flags: -O3 -g -DNDEBUG$' \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo
expect plain 'MinSizeRel build, debug checks off' -DCMAKE_BUILD_TYPE=MinSizeRel
# AUTO follows the type on reconfiguration, both ways.
expect plain 'Debug build, debug checks on' -DCMAKE_BUILD_TYPE=Debug
expect plain 'RelWithDebInfo build, debug checks off' -DCMAKE_BUILD_TYPE=RelWithDebInfo
expect plain 'Release build, debug checks on' -DCMAKE_BUILD_TYPE=Release -DCLAIMSET_CHECKS=ON
expect plain 'Debug build, debug checks off' -DCMAKE_BUILD_TYPE=Debug -DCLAIMSET_CHECKS=OFF
expect plain 'Debug build, debug checks on' -DCMAKE_BUILD_TYPE=Debug -DCLAIMSET_CHECKS=AUTO
expect none 'None build, debug checks off, C flags: -O2$' -DCMAKE_BUILD_TYPE=None
CFLAGS='-O1 -g'
export CFLAGS
expect distro 'None build, debug checks off, C flags: -O1 -g$' -DCMAKE_BUILD_TYPE=None
unset CFLAGS

if "$cmake" -S "$src" -B "$work/plain" -DCLAIMSET_CHECKS=maybe >"$work/out" 2>&1 ||
    ! grep -q "CLAIMSET_CHECKS is 'maybe'; use AUTO, ON or OFF" "$work/out"; then
    fail=1
    echo "FAIL CLAIMSET_CHECKS=maybe was not refused with a clear message"
else
    echo "ok   CLAIMSET_CHECKS=maybe is refused"
fi
exit $fail
