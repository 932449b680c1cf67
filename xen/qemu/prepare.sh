#!/bin/sh
# Install what booting Xen in QEMU needs, and unpack Debian's hypervisor
# and dom0 kernel into a cache directory (they are never installed on the
# build machine itself: only their files are used, as QEMU's kernel and
# initrd).  Shared by make check-xen and make check-xen-hv.
#
#   prepare.sh CACHE_DIR
#
# Leaves in CACHE_DIR: xen.elf (Debian's Xen 4.17, uncompressed: QEMU's
# multiboot loader needs an ELF), vmlinuz, modules/ (the Xen drivers of
# that kernel) and versions.txt.  libxen-dev is installed here too: both
# checks build against Xen's libxenctrl.  A second run with the cache in
# place only checks the packages.
set -eu

cache=${1:?usage: prepare.sh CACHE_DIR}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# Other jobs on the machine may hold the package lock: wait for it rather
# than fail.
apt() { apt-get -qq -o DPkg::Lock::Timeout=600 "$@"; }

need=""
for p in qemu-system-x86 libxen-dev busybox-static cpio; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need="$need $p"
done
if [ -n "$need" ]; then
    echo "prepare: installing$need"
    export DEBIAN_FRONTEND=noninteractive
    apt update
    apt install -y --no-install-recommends $need >/dev/null
fi

if [ -s "$cache/xen.elf" ] && [ -s "$cache/vmlinuz" ] && [ -d "$cache/modules" ]; then
    exit 0
fi

work="$cache/unpack"
rm -rf "$work"
mkdir -p "$work" "$cache/debs"
cd "$cache/debs"
# Package lists are refreshed only when the ones at hand cannot name the
# packages (an update costs tens of seconds on a loaded machine).
if [ -z "$need" ] && ! apt-cache show xen-hypervisor-4.17-amd64 linux-image-amd64 >/dev/null 2>&1; then
    apt update
fi
# The dom0 kernel: the one linux-image-amd64 currently depends on.
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
       sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
[ -n "$kpkg" ] || { echo "prepare: cannot find the kernel package" >&2; exit 1; }
# Downloaded packages stay in the cache: a lost unpack costs no download.
# Stale package lists: refresh once and try again.
fetch() {
    ls "$1"_*.deb >/dev/null 2>&1 && return 0
    apt -o APT::Sandbox::User=root download "$1" >/dev/null 2>&1 ||
        { apt update && apt -o APT::Sandbox::User=root download "$1" >/dev/null; }
}
fetch xen-hypervisor-4.17-amd64
fetch "$kpkg"
for d in *.deb; do dpkg -x "$d" "$work/root"; done

xgz=$(ls "$work"/root/boot/xen-4.17-amd64.gz)
zcat "$xgz" >"$cache/xen.elf.tmp" && mv "$cache/xen.elf.tmp" "$cache/xen.elf"
cp "$(ls "$work"/root/boot/vmlinuz-* | head -n 1)" "$cache/vmlinuz"
kver=$(ls "$work/root/lib/modules" | head -n 1)
rm -rf "$cache/modules"
mkdir -p "$cache/modules"
# The Xen drivers, xenfs included (it lives in a subfolder).
find "$work/root/lib/modules/$kver/kernel/drivers/xen" -name '*.ko*' -exec cp {} "$cache/modules/" \;
{
    echo "kernel $kver ($kpkg)"
    ls *.deb
} >"$cache/versions.txt"
rm -rf "$work"
echo "prepare: cached Xen and dom0 kernel $kver in $cache"
