#!/bin/sh
# What booting a claim-set Xen in QEMU needs besides the hypervisor:
# QEMU, libxenctrl (static, for the tests), busybox and cpio from apt;
# Debian's dom0 kernel and its Xen drivers, and Debian's own Xen 4.17
# (the reference for the legacy path), unpacked -- never installed.
#
#   prepare.sh DIR
#
# Leaves in DIR: vmlinuz, modules/*.ko, plain-xen.elf and versions.txt.
# A second run only checks the packages.
set -eu
dir=${1:?usage: prepare.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

missing=""
for p in qemu-system-x86 libxen-dev busybox-static cpio; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "prepare: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -qq -o DPkg::Lock::Timeout=600 update
    apt-get -qq -o DPkg::Lock::Timeout=600 install -y --no-install-recommends $missing >/dev/null
fi
if [ -s "$dir/vmlinuz" ] && [ -s "$dir/plain-xen.elf" ] && [ -d "$dir/modules" ]; then
    exit 0
fi

mkdir -p "$dir/debs"
rm -rf "$dir/root"
cd "$dir/debs"
kernel=$(apt-cache depends linux-image-amd64 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
[ -n "$kernel" ] || { echo "prepare: no kernel package found" >&2; exit 1; }
for pkg in xen-hypervisor-4.17-amd64 "$kernel"; do
    ls "${pkg}"_*.deb >/dev/null 2>&1 ||
        apt-get -qq -o APT::Sandbox::User=root download "$pkg" >/dev/null
done
for deb in *.deb; do dpkg -x "$deb" "$dir/root"; done
# QEMU's multiboot loader takes the uncompressed hypervisor.
zcat "$dir"/root/boot/xen-4.17-amd64.gz >"$dir/plain-xen.elf"
cp "$(ls "$dir"/root/boot/vmlinuz-* | head -n 1)" "$dir/vmlinuz"
rm -rf "$dir/modules"
mkdir -p "$dir/modules"
find "$dir"/root/lib/modules/*/kernel/drivers/xen -name '*.ko*' -exec cp {} "$dir/modules/" \;
ls "$dir/debs" >"$dir/versions.txt"
rm -rf "$dir/root"
