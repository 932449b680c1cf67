#!/bin/sh
# Contract checks: build the programs in this directory the way an outside
# program would be built against an installed claimset, run them, and
# check their exit status.
#
#   tests/contract/run.sh PREFIX
#
# PREFIX is an install prefix (cmake --install BUILD --prefix PREFIX); this
# script installs nothing.  For each program it builds and runs (all with
# -I for this directory, where the programs' shared headers are):
#   c       cc prog.c $(pkg-config --cflags --libs claimset)
#   c99     the same with -std=c99 -Wall -Wextra -Werror
#   static  cc prog.c $(pkg-config --static --cflags --libs claimset) -static
#   c++     g++ -x c++ prog.c $(pkg-config --cflags --libs claimset)  (if g++ exists)
# A fully static link needs the C library's static archives (libc.a); where
# they are missing the static variant links libclaimset.a explicitly
# instead (PREFIX/lib/libclaimset.a -pthread) and says so.
#
# Environment: CC (default cc), CXX (default g++), KEEP=1 keeps the build
# directory.  Exit status: 0 when every build and run passed.
set -u

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 PREFIX" >&2
    exit 2
fi
prefix=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
cc=${CC:-cc}
cxx=${CXX:-g++}
work=$(mktemp -d "${TMPDIR:-/tmp}/claimset-contract.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT

pcdir=
for d in "$prefix"/lib/pkgconfig "$prefix"/lib64/pkgconfig "$prefix"/lib/*/pkgconfig; do
    if [ -f "$d/claimset.pc" ]; then
        pcdir=$d
        break
    fi
done
if [ -z "$pcdir" ]; then
    echo "FAIL: no claimset.pc under $prefix" >&2
    exit 1
fi
PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PKG_CONFIG_PATH

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# The .pc file must describe this prefix, or plain pkg-config sends the
# compiler elsewhere.  If it does not, say so (a failure) and go on with
# pkg-config --define-prefix so the remaining checks still say something.
pc="pkg-config"
pc_prefix=$(pkg-config --variable=prefix claimset)
if [ "$pc_prefix" != "$prefix" ]; then
    bad "claimset.pc names prefix '$pc_prefix', not '$prefix' (not relocatable)"
    pc="pkg-config --define-prefix"
else
    ok "claimset.pc names the install prefix"
fi
cflags=$($pc --cflags claimset)
cflags_libs=$($pc --cflags --libs claimset)
static_flags=$($pc --static --cflags --libs claimset)
libdir=$($pc --variable=libdir claimset)

# Fully static links need libc.a; probe once.
full_static=0
printf 'int main(void) { return 0; }\n' > "$work/probe.c"
if $cc -static -o "$work/probe" "$work/probe.c" -pthread 2>/dev/null; then
    full_static=1
else
    echo "note: no fully static link possible here; linking $libdir/libclaimset.a explicitly"
fi
have_cxx=0
command -v "$cxx" >/dev/null 2>&1 && have_cxx=1

# run NAME VARIANT BINARY: run one program with the environment it needs
# and check its exit status (bad_topology also checks stderr).
run() {
    name=$1
    variant=$2
    bin=$3
    case $name in
    bad_topology)
        CLAIMSET_TOPOLOGY='4GiB,4GB' "$bin" >"$work/out" 2>"$work/err"
        status=$?
        if [ $status -eq 0 ] && grep -q "CLAIMSET_TOPOLOGY" "$work/err" &&
            grep -q "unknown unit 'GB'" "$work/err" && [ "$(wc -l <"$work/err")" -eq 1 ]; then
            ok "$name ($variant)"
        else
            bad "$name ($variant): status $status, stderr: $(cat "$work/err") $(cat "$work/out")"
        fi
        return
        ;;
    *)
        # The others use the built-in host (or set the variable themselves).
        (unset CLAIMSET_TOPOLOGY && "$bin") >"$work/out" 2>&1
        status=$?
        ;;
    esac
    if [ $status -eq 0 ]; then
        ok "$name ($variant)"
    else
        bad "$name ($variant): status $status"
        sed 's/^/     /' "$work/out"
    fi
}

# build NAME VARIANT COMMAND...: build, then run on success.
build() {
    name=$1
    variant=$2
    shift 2
    bin="$work/$name.$variant"
    if "$@" -o "$bin" >"$work/build.log" 2>&1; then
        run "$name" "$variant" "$bin"
    else
        bad "$name ($variant): build failed: $*"
        sed 's/^/     /' "$work/build.log"
    fi
}

for src in "$here"/*.c; do
    name=$(basename "$src" .c)
    # shellcheck disable=SC2086 # flags are meant to split
    build "$name" c $cc -I "$here" "$src" $cflags_libs
    # shellcheck disable=SC2086
    build "$name" c99 $cc -std=c99 -Wall -Wextra -Werror -I "$here" "$src" $cflags_libs
    if [ $full_static = 1 ]; then
        # shellcheck disable=SC2086
        build "$name" static $cc -I "$here" "$src" $static_flags -static
    else
        # shellcheck disable=SC2086
        build "$name" static $cc -I "$here" "$src" $cflags "$libdir/libclaimset.a" -pthread
    fi
    if [ $have_cxx = 1 ]; then
        # shellcheck disable=SC2086
        build "$name" c++ $cxx -x c++ -Wall -I "$here" "$src" $cflags_libs
    fi
done

echo "# contract: $pass passed, $fail failed"
[ $fail -eq 0 ]
