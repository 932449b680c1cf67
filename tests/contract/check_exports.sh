#!/bin/sh
# What an installed claimset offers outside programs, and nothing more:
#
#   tests/contract/check_exports.sh PREFIX
#
#  - every installed header compiles on its own with only -I PREFIX/include
#    (-std=c99 -Wall -Wextra -Werror): none needs the hypervisor's
#    internal headers;
#  - the functions those headers declare are exactly the symbols that
#    libclaimset.so exports (nm -D) and that libclaimset.a defines
#    globally, and all carry a public prefix (xc_ xtl_ xg_ xa_ claimset_).
# Any other symbol is named in the failure.  Needs cc and nm.
set -u

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 PREFIX" >&2
    exit 2
fi
prefix=$(cd "$1" && pwd)
cc=${CC:-cc}
nm=${NM:-nm}
work=$(mktemp -d "${TMPDIR:-/tmp}/claimset-exports.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
bad() {
    fail=1
    echo "FAIL $*"
}

inc=$prefix/include
lib=
for d in "$prefix"/lib "$prefix"/lib64 "$prefix"/lib/*; do
    if [ -f "$d/libclaimset.so" ]; then
        lib=$d
        break
    fi
done
if [ ! -d "$inc" ] || [ -z "$lib" ]; then
    echo "FAIL: no include/ and libclaimset.so under $prefix" >&2
    exit 1
fi

# Each header alone, and all of them in one unit whose declarations GCC
# lists (-aux-info): the declared API.
headers=$(cd "$inc" && find . -name '*.h' | sed 's|^\./||' | sort)
for h in $headers; do
    printf '#include <%s>\n' "$h" >"$work/one.c"
    if ! $cc -std=c99 -Wall -Wextra -Werror -fsyntax-only -I "$inc" "$work/one.c" \
        2>"$work/err"; then
        bad "header $h does not compile on its own: $(head -3 "$work/err")"
    fi
    printf '#include <%s>\n' "$h" >>"$work/all.c"
done
if ! $cc -fsyntax-only -I "$inc" -aux-info "$work/aux" "$work/all.c" 2>"$work/err"; then
    bad "the installed headers do not compile together: $(head -3 "$work/err")"
    exit 1
fi
grep -F "/* $inc/" "$work/aux" | grep ' extern ' | sed 's/ *(.*//; s/.*[ *]//' |
    sort -u >"$work/declared"
if [ ! -s "$work/declared" ]; then
    bad "no function declarations found in $inc"
fi
echo "# $(wc -l <"$work/declared") functions declared in $(echo "$headers" | wc -l) headers"

# compare WHAT FILE: the defined global symbols in FILE against the API.
compare() {
    what=$1
    sort -u "$2" >"$work/have"
    extra=$(comm -23 "$work/have" "$work/declared")
    missing=$(comm -13 "$work/have" "$work/declared")
    unprefixed=$(grep -v -E '^(xc|xtl|xg|xa|claimset)_' "$work/have")
    [ -z "$extra" ] || bad "$what: not in the public headers:" $extra
    [ -z "$missing" ] || bad "$what: declared but missing:" $missing
    [ -z "$unprefixed" ] || bad "$what: without a public prefix:" $unprefixed
    if [ -z "$extra$missing$unprefixed" ]; then
        echo "ok   $what: the $(wc -l <"$work/have") symbols of the public API, nothing else"
    fi
}

# Version nodes (type A) are not symbols of the API; version suffixes go.
$nm -D --defined-only "$lib/libclaimset.so" |
    awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' >"$work/shared"
compare "$lib/libclaimset.so" "$work/shared"
if [ -f "$lib/libclaimset.a" ]; then
    $nm -g --defined-only "$lib/libclaimset.a" | awk 'NF == 3 { print $3 }' >"$work/static"
    compare "$lib/libclaimset.a" "$work/static"
else
    bad "no libclaimset.a next to libclaimset.so"
fi
exit $fail
