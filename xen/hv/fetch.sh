#!/bin/sh
# Fetch Debian's Xen source and the tools to patch and build it.
#
#   xen/hv/fetch.sh SRCDIR
#
# Leaves the unpacked source tree in SRCDIR/xen-<version> and prints that
# path.  Nothing is fetched again once SRCDIR holds a tree: the source is a
# cache, patched copies are made from it.
set -eu
src=$1
mkdir -p "$src"
tree=$(find "$src" -maxdepth 1 -type d -name 'xen-4.*' | head -n 1)
need_pkgs=""
for p in flex bison python3 gcc make spatch dpkg-source; do
    command -v "$p" >/dev/null 2>&1 || need_pkgs=yes
done
if [ -n "$tree" ] && [ -z "$need_pkgs" ]; then
    echo "$tree"
    exit 0
fi

# apt-get source needs a deb-src entry for the suite the system uses.  Add
# one beside the existing deb entry (same URIs, suites and components)
# unless some deb-src entry exists already.
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ &&
    ! grep -qs '^deb-src' /etc/apt/sources.list; then
    base=/etc/apt/sources.list.d/debian.sources
    [ -f "$base" ] || { echo "fetch.sh: no $base to derive a deb-src entry from" >&2; exit 1; }
    # The first stanza is the main archive; copy it with Types: deb-src.
    awk 'BEGIN{RS="";ORS="\n\n"} NR==1{sub(/Types: deb/,"Types: deb-src"); print}' "$base" \
        >/etc/apt/sources.list.d/claimset-deb-src.sources
    echo "fetch.sh: added a deb-src entry" >&2
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -qq -o DPkg::Lock::Timeout=600 update >&2
apt-get -qq -o DPkg::Lock::Timeout=600 install -y --no-install-recommends flex bison python3 gcc make \
    coccinelle dpkg-dev >&2

if [ -z "$tree" ]; then
    (cd "$src" && apt-get -qq source --download-only xen >&2 &&
        dpkg-source --no-check -x xen_*.dsc >&2)
    tree=$(find "$src" -maxdepth 1 -type d -name 'xen-4.*' | head -n 1)
fi
[ -n "$tree" ] || { echo "fetch.sh: no Xen source tree in $src" >&2; exit 1; }
echo "$tree"
