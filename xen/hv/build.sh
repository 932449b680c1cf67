#!/bin/sh
# make xen-hv: Debian's Xen 4.17 with claim sets, built from the project.
#
#   xen/hv/build.sh [BUILDDIR]      (default build/xen-hv)
#
# 1. fetch.sh: deb-src entry, apt-get source xen, build dependencies
#    (cached in BUILDDIR/src);
# 2. patch-xen.sh: the project's engine and glue copied in, the hooks
#    inserted by semantic patches, every hook verified (BUILDDIR/tree);
# 3. make -C xen defconfig; make -C xen.
# The result is BUILDDIR/xen.gz.  Builds are cached by a hash of every
# input (Xen's source version, the semantic patches, the glue, the engine
# and these scripts): the same inputs never build twice while their entry
# is kept.  Only the 3 most recently used entries are kept
# (cache-prune.sh): an older one is rebuilt when its inputs come back.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$top/build/xen-hv}
mkdir -p "$out"
out=$(cd "$out" && pwd)
jobs=${JOBS:-2}
# Xen's build runs python3 hundreds of times (compat headers): use the
# system's, not a version-manager shim in front of it on PATH, which
# made the build several times slower here.
export PATH="/usr/bin:/bin:$PATH"
export PYTHON=/usr/bin/python3

t0=$(date +%s)
pristine=$("$here/fetch.sh" "$out/src")
version=$(basename "$pristine")

key=$( (echo "$version"
    cd "$top" && cat hv/claims/install.c hv/claims/retire.c \
        xen/hv/glue/* xen/hv/cocci/* xen/hv/fetch.sh xen/hv/patch-xen.sh xen/hv/build.sh) |
    sha256sum | cut -c1-16)
cache=$out/cache/$key
if [ -f "$cache/xen.gz" ]; then
    cp "$cache/xen.gz" "$out/xen.gz"
    touch "$cache" # its last use, for the pruning
    echo "xen-hv: cached build $key ($version)"
    "$here/cache-prune.sh" "$out/cache" 3
    exit 0
fi

"$here/patch-xen.sh" "$pristine" "$out/tree"
[ -f "$out/tree/xen/.config" ] || make -s -C "$out/tree/xen" defconfig
t1=$(date +%s)
echo "xen-hv: building Xen ($version) with claim sets, -j$jobs; log in $out/build.log"
if ! make -C "$out/tree/xen" -j"$jobs" >"$out/build.log" 2>&1; then
    grep -E 'error|Error' "$out/build.log" | head -n 30 >&2
    echo "xen-hv: the Xen build failed (see $out/build.log)" >&2
    exit 1
fi
t2=$(date +%s)
mkdir -p "$cache"
cp "$out/tree/xen/xen.gz" "$cache/xen.gz"
touch "$cache"
cp "$cache/xen.gz" "$out/xen.gz"
echo "xen-hv: built $out/xen.gz in $((t2 - t1)) s (fetch and patch $((t1 - t0)) s), cache key $key"
"$here/cache-prune.sh" "$out/cache" 3
